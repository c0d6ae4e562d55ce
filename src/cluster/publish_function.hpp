#pragma once
// The publish Function (docs/cluster.md "Publishing"): one FCALL per trigger, one round trip,
// which for the agent's channel and then the customer's
//   INCRs the channel's sequence, XADDs the trigger to the channel's stream (MAXLEN ~ 1000,
//   both keys expiring with the trigger plus a margin), and PUBLISHes it with a popflow2
//   header (envelope.hpp) naming that sequence and stream entry,
// and returns how many subscribed connections received it. A receiving node that sees a
// sequence jump, or that was disconnected, reads what it missed back from the stream.
// Why a Function and not EVALSHA: a library is part of the data set (replicated, persisted),
// a script cache is not, so a failed-over replica would answer NOSCRIPT. Each node loads its
// own version (FUNCTION LOAD REPLACE) every time its publishing connection comes up.
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace popflow::cluster {

inline constexpr std::string_view kPublishFunction = "popflow_publish_v1";

// The library's Lua source (#!lua name=popflow_v1), for FUNCTION LOAD REPLACE.
std::string_view publish_library();

// The keys of a routing channel's repair log: its stream and its sequence counter. Both
// carry the channel's {c:CUSTOMER} hash tag, so one FCALL touches one Redis Cluster slot.
std::string stream_key(std::string_view channel);
std::string sequence_key(std::string_view channel);

// The FCALL of one trigger: its four keys and its expiry built here, every other argument a
// view (of the channels, the node id, the message), which must outlive the command() call that
// encodes them. Views, not copies: a trigger's payload is copied once, into the encoded
// command. Neither copied nor moved (args() points into its own strings).
class PublishCall {
 public:
  PublishCall(std::string_view agent_channel, std::string_view customer_channel,
              std::string_view origin, long long ttl_ms, std::string_view id,
              std::string_view topic, std::string_view payload);
  PublishCall(const PublishCall&) = delete;
  PublishCall& operator=(const PublishCall&) = delete;

  std::span<const std::string_view> args() const { return args_; }

 private:
  std::string agent_seq_, agent_stream_, customer_seq_, customer_stream_, ttl_;
  std::array<std::string_view, 14> args_{};
};

}  // namespace popflow::cluster
