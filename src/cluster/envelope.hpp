#pragma once
// A trigger as it travels between nodes on a routing channel: one header line, then the
// message as the origin's subscribers got it.
//   popflow1 <origin node> <ms until it expires> <message id> <topic>\n<payload>
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
};

std::string encode_envelope(const Envelope& envelope);
// Null for anything else (another format version, a truncated line): dropped by the caller.
std::optional<Envelope> decode_envelope(std::string_view bytes);

}  // namespace popflow::cluster
