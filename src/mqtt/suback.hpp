#pragma once
// SUBACK (3.1.1 section 3.9, 5.0 section 3.9): one reason code per requested filter, in order.
// On 3.1.1 a refusal of any kind travels as 0x80.
#include <span>
#include <vector>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Suback {
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reason_codes;
  Properties properties;
  bool operator==(const Suback&) const = default;
};

Result<Suback> decode_suback(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Suback& packet);

}  // namespace popflow::mqtt
