#pragma once
// A trigger as it travels between nodes on a routing channel: one header line, then the
// message as the origin's subscribers got it.
//   popflow2 <origin node> <ms until it expires> <seq> <stream id> <message id> <topic>\n<payload>
// is what the publish Function writes (publish_function.cpp builds the same line in Lua):
// <seq> counts the messages of that channel's stream (1, 2, 3 …: a jump is a gap) and
// <stream id> is the entry XADD gave it there, where a gap is repaired from (docs/cluster.md).
//   popflow1 <origin node> <ms until it expires> <message id> <topic>\n<payload>
// is the plain PUBLISH of an earlier release (no sequence: seq 0, never repaired), still read
// so that nodes of both releases work side by side during a rolling deploy.
// The topic comes last on the line: it may hold spaces, never a newline (topics/topic.hpp
// refuses control characters in trigger values). The receiving node rebuilds the Message with
// the expiry the origin gave it, so a trigger is never delivered staler on another node.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace popflow::cluster {

struct Envelope {
  std::string_view origin;  // the publishing node's id: a node skips its own messages
  std::int64_t ttl_ms = 0;
  std::string_view id;
  std::string_view topic;
  std::string_view payload;
  std::uint64_t seq = 0;            // popflow2: its place in the channel's stream; 0 for popflow1
  std::string_view stream_id = {};  // popflow2: the stream entry ("1733000000000-0")
};

// popflow2 when seq is set, else popflow1.
std::string encode_envelope(const Envelope& envelope);
// Null for anything else (another format version, a truncated line): dropped by the caller.
std::optional<Envelope> decode_envelope(std::string_view bytes);

}  // namespace popflow::cluster
