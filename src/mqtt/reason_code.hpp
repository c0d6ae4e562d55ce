#pragma once
// MQTT 5.0 reason codes (section 2.4) and their 3.1.1 equivalents.
#include <cstdint>
#include <optional>

#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

enum class ReasonCode : std::uint8_t {
  success = 0x00,  // also Normal disconnection and Granted QoS 0
  normal_disconnection = 0x00,
  granted_qos_0 = 0x00,
  granted_qos_1 = 0x01,
  granted_qos_2 = 0x02,
  disconnect_with_will_message = 0x04,
  no_matching_subscribers = 0x10,
  no_subscription_existed = 0x11,
  continue_authentication = 0x18,
  re_authenticate = 0x19,
  unspecified_error = 0x80,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  implementation_specific_error = 0x83,
  unsupported_protocol_version = 0x84,
  client_identifier_not_valid = 0x85,
  bad_user_name_or_password = 0x86,
  not_authorized = 0x87,
  server_unavailable = 0x88,
  server_busy = 0x89,
  banned = 0x8A,
  server_shutting_down = 0x8B,
  bad_authentication_method = 0x8C,
  keep_alive_timeout = 0x8D,
  session_taken_over = 0x8E,
  topic_filter_invalid = 0x8F,
  topic_name_invalid = 0x90,
  packet_identifier_in_use = 0x91,
  packet_identifier_not_found = 0x92,
  receive_maximum_exceeded = 0x93,
  topic_alias_invalid = 0x94,
  packet_too_large = 0x95,
  message_rate_too_high = 0x96,
  quota_exceeded = 0x97,
  administrative_action = 0x98,
  payload_format_invalid = 0x99,
  retain_not_supported = 0x9A,
  qos_not_supported = 0x9B,
  use_another_server = 0x9C,
  server_moved = 0x9D,
  shared_subscriptions_not_supported = 0x9E,
  connection_rate_exceeded = 0x9F,
  maximum_connect_time = 0xA0,
  subscription_identifiers_not_supported = 0xA1,
  wildcard_subscriptions_not_supported = 0xA2,
};

// Whether 5.0 defines `code` for packets of `type` (the tables of sections 3.2 to 3.15).
bool is_valid_reason_code(PacketType type, ReasonCode code);

// A failure is any code of 0x80 or above.
inline bool is_failure(ReasonCode code) {
  return static_cast<std::uint8_t>(code) >= 0x80;
}

// 3.1.1 CONNACK return codes 0..5. Total: a 5.0 refusal with no 3.1.1 twin becomes 0x03
// (server unavailable), except authorization failures (0x05). A 3.1.1 server should not send
// a CONNACK for a malformed CONNECT at all; it just closes.
std::uint8_t to_v311_connack(ReasonCode code);
std::optional<ReasonCode> from_v311_connack(std::uint8_t return_code);

// 3.1.1 SUBACK return codes: the granted QoS, or 0x80 for anything else.
std::uint8_t to_v311_suback(ReasonCode code);

}  // namespace popflow::mqtt
