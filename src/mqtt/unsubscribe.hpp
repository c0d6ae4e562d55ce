#pragma once
// UNSUBSCRIBE (3.1.1 section 3.10, 5.0 section 3.10).
#include <span>
#include <string>
#include <vector>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;  // at least one
  Properties properties;             // User Property only
  bool operator==(const Unsubscribe&) const = default;
};

Result<Unsubscribe> decode_unsubscribe(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Unsubscribe& packet);

}  // namespace popflow::mqtt
