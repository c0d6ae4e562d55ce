#pragma once
// PUBACK, PUBREC, PUBREL and PUBCOMP (5.0 sections 3.4 to 3.7): the same shape, one struct.
// On 3.1.1 only the packet identifier travels; the reason code and properties are dropped.
#include <span>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Ack {
  PacketType type = PacketType::puback;  // puback, pubrec, pubrel or pubcomp
  std::uint16_t packet_id = 0;
  ReasonCode reason_code = ReasonCode::success;
  Properties properties;
  bool operator==(const Ack&) const = default;
};

Result<Ack> decode_ack(ProtocolVersion version, PacketType type,
                       std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Ack& packet);

}  // namespace popflow::mqtt
