#pragma once
// UNSUBACK (3.1.1 section 3.11, 5.0 section 3.11). 3.1.1 has no payload: reason codes and
// properties are 5.0 only and dropped on a 3.1.1 connection.
#include <span>
#include <vector>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Unsuback {
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reason_codes;  // one per filter (5.0)
  Properties properties;
  bool operator==(const Unsuback&) const = default;
};

Result<Unsuback> decode_unsuback(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Unsuback& packet);

}  // namespace popflow::mqtt
