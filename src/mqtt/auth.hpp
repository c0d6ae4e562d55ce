#pragma once
// AUTH (5.0 section 3.15): enhanced authentication exchanges. No 3.1.1 equivalent.
#include <span>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Auth {
  ReasonCode reason_code = ReasonCode::success;  // or continue_authentication, re_authenticate
  Properties properties;  // Authentication Method and Data, Reason String, User Property
  bool operator==(const Auth&) const = default;
};

// Only called for 5.0: the codec refuses packet type 15 on 3.1.1 connections.
Result<Auth> decode_auth(std::span<const std::uint8_t> body);
// Fails with not_in_protocol_version on 3.1.1.
void write_packet(ByteWriter& w, ProtocolVersion version, const Auth& packet);

}  // namespace popflow::mqtt
