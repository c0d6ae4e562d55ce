#include "mqtt/error.hpp"

#include <string>

namespace popflow::mqtt {
namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::malformed_remaining_length:
      return "malformed remaining length";
    case Error::malformed_varint:
      return "malformed variable byte integer";
    case Error::truncated:
      return "field runs past the end of the packet";
    case Error::trailing_bytes:
      return "unexpected bytes after the last field";
    case Error::unknown_packet_type:
      return "unknown packet type";
    case Error::reserved_flags:
      return "reserved flag bits set";
    case Error::invalid_qos:
      return "QoS 3 is invalid";
    case Error::dup_on_qos0:
      return "DUP flag set on a QoS 0 PUBLISH";
    case Error::invalid_utf8:
      return "string is not valid MQTT UTF-8";
    case Error::invalid_topic_name:
      return "invalid topic name";
    case Error::invalid_topic_filter:
      return "invalid topic filter";
    case Error::invalid_subscription_options:
      return "reserved subscription option bits set";
    case Error::invalid_reason_code:
      return "reason code not valid for this packet";
    case Error::unknown_property:
      return "unknown property identifier";
    case Error::property_not_allowed:
      return "property not allowed on this packet";
    case Error::duplicate_property:
      return "property included more than once";
    case Error::invalid_property_value:
      return "invalid property value";
    case Error::invalid_packet_id:
      return "packet identifier must be non-zero";
    case Error::no_topic_filters:
      return "no topic filters";
    case Error::missing_topic:
      return "empty topic name without a topic alias";
    case Error::invalid_retain_handling:
      return "retain handling 3 is invalid";
    case Error::no_local_on_shared_subscription:
      return "no local set on a shared subscription";
    case Error::topic_alias_invalid:
      return "topic alias 0 is invalid";
    case Error::packet_too_large:
      return "packet exceeds the maximum packet size";
    case Error::unsupported_protocol_name:
      return "unsupported protocol name";
    case Error::unsupported_protocol_version:
      return "unsupported protocol version";
    case Error::string_too_long:
      return "string longer than 65535 bytes";
    case Error::not_in_protocol_version:
      return "packet does not exist in this protocol version";
  }
  return "unknown mqtt error";
}

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mqtt"; }
  std::string message(int value) const override { return describe(static_cast<Error>(value)); }
};

}  // namespace

const boost::system::error_category& error_category() {
  static const Category category;
  return category;
}

boost::system::error_code make_error_code(Error e) {
  return {static_cast<int>(e), error_category()};
}

ReasonCode reason_code(Error e) {
  switch (e) {
    case Error::duplicate_property:
    case Error::invalid_property_value:
    case Error::invalid_packet_id:
    case Error::no_topic_filters:
    case Error::missing_topic:
    case Error::invalid_retain_handling:
    case Error::no_local_on_shared_subscription:
      return ReasonCode::protocol_error;
    case Error::topic_alias_invalid:
      return ReasonCode::topic_alias_invalid;
    case Error::packet_too_large:
      return ReasonCode::packet_too_large;
    case Error::unsupported_protocol_name:
    case Error::unsupported_protocol_version:
      return ReasonCode::unsupported_protocol_version;
    case Error::string_too_long:
    case Error::not_in_protocol_version:
      return ReasonCode::implementation_specific_error;
    default:
      return ReasonCode::malformed_packet;
  }
}

ReasonCode reason_code(const boost::system::error_code& ec) {
  if (ec.category() != error_category()) return ReasonCode::unspecified_error;
  return reason_code(static_cast<Error>(ec.value()));
}

std::string_view name(PacketType type) {
  switch (type) {
    case PacketType::connect:
      return "CONNECT";
    case PacketType::connack:
      return "CONNACK";
    case PacketType::publish:
      return "PUBLISH";
    case PacketType::puback:
      return "PUBACK";
    case PacketType::pubrec:
      return "PUBREC";
    case PacketType::pubrel:
      return "PUBREL";
    case PacketType::pubcomp:
      return "PUBCOMP";
    case PacketType::subscribe:
      return "SUBSCRIBE";
    case PacketType::suback:
      return "SUBACK";
    case PacketType::unsubscribe:
      return "UNSUBSCRIBE";
    case PacketType::unsuback:
      return "UNSUBACK";
    case PacketType::pingreq:
      return "PINGREQ";
    case PacketType::pingresp:
      return "PINGRESP";
    case PacketType::disconnect:
      return "DISCONNECT";
    case PacketType::auth:
      return "AUTH";
  }
  return "RESERVED";
}

}  // namespace popflow::mqtt
