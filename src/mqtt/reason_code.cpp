#include "mqtt/reason_code.hpp"

#include <algorithm>
#include <initializer_list>

namespace popflow::mqtt {
namespace {

bool one_of(ReasonCode code, std::initializer_list<std::uint8_t> codes) {
  return std::find(codes.begin(), codes.end(), static_cast<std::uint8_t>(code)) != codes.end();
}

}  // namespace

bool is_valid_reason_code(PacketType type, ReasonCode code) {
  switch (type) {
    case PacketType::connack:
      return one_of(code, {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                           0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
    case PacketType::puback:
    case PacketType::pubrec:
      return one_of(code, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case PacketType::pubrel:
    case PacketType::pubcomp:
      return one_of(code, {0x00, 0x92});
    case PacketType::suback:
      return one_of(code, {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
    case PacketType::unsuback:
      return one_of(code, {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case PacketType::disconnect:
      return one_of(code, {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D,
                           0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
                           0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2});
    case PacketType::auth:
      return one_of(code, {0x00, 0x18, 0x19});
    default:
      return false;
  }
}

std::uint8_t to_v311_connack(ReasonCode code) {
  switch (code) {
    case ReasonCode::success:
      return 0x00;
    case ReasonCode::unsupported_protocol_version:
      return 0x01;
    case ReasonCode::client_identifier_not_valid:
      return 0x02;
    case ReasonCode::bad_user_name_or_password:
      return 0x04;
    case ReasonCode::not_authorized:
    case ReasonCode::banned:
    case ReasonCode::bad_authentication_method:
      return 0x05;
    default:
      return 0x03;
  }
}

std::optional<ReasonCode> from_v311_connack(std::uint8_t return_code) {
  switch (return_code) {
    case 0x00:
      return ReasonCode::success;
    case 0x01:
      return ReasonCode::unsupported_protocol_version;
    case 0x02:
      return ReasonCode::client_identifier_not_valid;
    case 0x03:
      return ReasonCode::server_unavailable;
    case 0x04:
      return ReasonCode::bad_user_name_or_password;
    case 0x05:
      return ReasonCode::not_authorized;
    default:
      return std::nullopt;
  }
}

std::uint8_t to_v311_suback(ReasonCode code) {
  const auto value = static_cast<std::uint8_t>(code);
  return value <= 0x02 ? value : 0x80;
}

}  // namespace popflow::mqtt
