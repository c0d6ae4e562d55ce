#pragma once
// Why a packet could not be decoded (or encoded). Each error maps to the 5.0 reason code the
// connection layer sends in DISCONNECT (or CONNACK) before closing; 3.1.1 connections just close.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <type_traits>

#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

enum class Error {
  // 0x81 Malformed Packet: the bytes cannot be parsed as the specification says.
  malformed_remaining_length = 1,  // 5th length byte, or a non-minimal 5.0 encoding
  malformed_varint,                // same, inside the packet (property length, identifiers)
  truncated,                       // a field runs past the end of the packet
  trailing_bytes,                  // bytes left after the last field
  unknown_packet_type,             // type 0, or AUTH in 3.1.1
  reserved_flags,                  // fixed-header or CONNECT/CONNACK flag bits that must be 0
  invalid_qos,                     // QoS 3
  dup_on_qos0,                     // DUP set on a QoS 0 PUBLISH
  invalid_utf8,                    // ill-formed, surrogate or U+0000 [MQTT-1.5.4-1..2]
  invalid_topic_name,              // empty (3.1.1) or containing + or #
  invalid_topic_filter,            // misplaced wildcard, bad $share/ form
  invalid_subscription_options,    // reserved bits in a subscription options byte
  invalid_reason_code,             // a code not defined for this packet type
  unknown_property,                // an identifier 5.0 does not define
  property_not_allowed,            // an identifier not valid on this packet type
  // 0x82 Protocol Error: parsed, but inconsistent with the specification.
  duplicate_property,
  invalid_property_value,  // 0 where 0 is not allowed, a boolean other than 0/1, ...
  invalid_packet_id,       // 0 where a non-zero packet identifier is required
  no_topic_filters,        // SUBSCRIBE or UNSUBSCRIBE without a payload
  missing_topic,           // empty topic name without a Topic Alias
  invalid_retain_handling,
  no_local_on_shared_subscription,
  // Others.
  topic_alias_invalid,           // 0x94
  packet_too_large,              // 0x95
  unsupported_protocol_name,     // 0x84, 3.1.1 return code 0x01
  unsupported_protocol_version,  // 0x84, 3.1.1 return code 0x01
  string_too_long,               // encoding only: a string over 65535 bytes
  not_in_protocol_version,       // encoding only: AUTH on a 3.1.1 connection
};

const boost::system::error_category& error_category();
boost::system::error_code make_error_code(Error e);

ReasonCode reason_code(Error e);
// The reason code for any error a decode returned; 0x80 for errors of other categories.
ReasonCode reason_code(const boost::system::error_code& ec);

template <class T>
using Result = boost::system::result<T>;

}  // namespace popflow::mqtt

template <>
struct boost::system::is_error_code_enum<popflow::mqtt::Error> : std::true_type {};
