#pragma once
// Reading a channel's stream back (the repair log the publish Function appends to): stream ids
// in order, and one XRANGE entry as the fields the Function wrote. No I/O.
#include <cstdint>
#include <optional>
#include <string_view>

#include "cluster/envelope.hpp"
#include "cluster/reply.hpp"

namespace popflow::cluster {

// "1733000000000-7" → {1733000000000, 7}; null for anything else.
struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
};
std::optional<StreamId> parse_stream_id(std::string_view text);

// One XRANGE entry, [id, [field, value, …]], as an envelope whose views point into `entry`;
// ttl_ms is as the Function got it (at the entry's time), not what is left now. Null when a
// field is missing or malformed.
std::optional<Envelope> stream_entry(ReplyView entry);

}  // namespace popflow::cluster
