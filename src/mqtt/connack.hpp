#pragma once
// CONNACK (3.1.1 section 3.2, 5.0 section 3.2). The reason code is kept as a 5.0 code; on a
// 3.1.1 connection it travels as the matching return code (to_v311_connack).
#include <span>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Connack {
  bool session_present = false;
  ReasonCode reason_code = ReasonCode::success;
  Properties properties;
  bool operator==(const Connack&) const = default;
};

Result<Connack> decode_connack(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Connack& packet);

}  // namespace popflow::mqtt
