#include "mqtt/properties.hpp"

#include <bitset>
#include <type_traits>

#include "topics/topic.hpp"

namespace popflow::mqtt {
namespace {

constexpr std::uint8_t kSubscriptionIdentifier = 0x0B;
constexpr std::uint8_t kUserProperty = 0x26;

enum class Kind { number, utf8, binary };

constexpr std::uint16_t bit(PropertyContext c) {
  return static_cast<std::uint16_t>(c);
}

// The packets each property may appear on (the table of MQTT 5.0 section 2.2.2.2); 0 for
// identifiers 5.0 does not define.
std::uint16_t allowed_in(std::uint32_t id) {
  using C = PropertyContext;
  switch (id) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x08:
    case 0x09:
      return bit(C::publish) | bit(C::will);
    case 0x0B:
      return bit(C::publish) | bit(C::subscribe);
    case 0x11:
      return bit(C::connect) | bit(C::connack) | bit(C::disconnect);
    case 0x12:
    case 0x13:
    case 0x1A:
    case 0x24:
    case 0x25:
    case 0x28:
    case 0x29:
    case 0x2A:
      return bit(C::connack);
    case 0x15:
    case 0x16:
      return bit(C::connect) | bit(C::connack) | bit(C::auth);
    case 0x17:
    case 0x19:
      return bit(C::connect);
    case 0x18:
      return bit(C::will);
    case 0x1C:
      return bit(C::connack) | bit(C::disconnect);
    case 0x1F:
      return bit(C::connack) | bit(C::ack) | bit(C::suback) | bit(C::unsuback) |
             bit(C::disconnect) | bit(C::auth);
    case 0x21:
    case 0x22:
    case 0x27:
      return bit(C::connect) | bit(C::connack);
    case 0x23:
      return bit(C::publish);
    case kUserProperty:
      return 0x7ff;  // every context
    default:
      return 0;
  }
}

// Every single-valued property with its identifier, so decode and encode share one list.
// Subscription identifiers and user properties repeat and are handled apart.
template <class P, class Fn>
void for_each_field(P& p, Fn&& fn) {
  fn(0x01, Kind::number, p.payload_format_indicator);
  fn(0x02, Kind::number, p.message_expiry_interval);
  fn(0x03, Kind::utf8, p.content_type);
  fn(0x08, Kind::utf8, p.response_topic);
  fn(0x09, Kind::binary, p.correlation_data);
  fn(0x11, Kind::number, p.session_expiry_interval);
  fn(0x12, Kind::utf8, p.assigned_client_identifier);
  fn(0x13, Kind::number, p.server_keep_alive);
  fn(0x15, Kind::utf8, p.authentication_method);
  fn(0x16, Kind::binary, p.authentication_data);
  fn(0x17, Kind::number, p.request_problem_information);
  fn(0x18, Kind::number, p.will_delay_interval);
  fn(0x19, Kind::number, p.request_response_information);
  fn(0x1A, Kind::utf8, p.response_information);
  fn(0x1C, Kind::utf8, p.server_reference);
  fn(0x1F, Kind::utf8, p.reason_string);
  fn(0x21, Kind::number, p.receive_maximum);
  fn(0x22, Kind::number, p.topic_alias_maximum);
  fn(0x23, Kind::number, p.topic_alias);
  fn(0x24, Kind::number, p.maximum_qos);
  fn(0x25, Kind::number, p.retain_available);
  fn(0x27, Kind::number, p.maximum_packet_size);
  fn(0x28, Kind::number, p.wildcard_subscription_available);
  fn(0x29, Kind::number, p.subscription_identifier_available);
  fn(0x2A, Kind::number, p.shared_subscription_available);
}

template <class T>
void read_value(ByteReader& r, Kind kind, std::optional<T>& field) {
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    field = r.u8();
    // Every byte-valued property is a 0/1 flag (Maximum QoS too: 2 is said by omission).
    if (*field > 1) r.fail(Error::invalid_property_value);
  } else if constexpr (std::is_same_v<T, std::uint16_t>) {
    field = r.u16();
  } else if constexpr (std::is_same_v<T, std::uint32_t>) {
    field = r.u32();
  } else {
    field = kind == Kind::utf8 ? r.utf8() : r.binary();
  }
}

template <class T>
void write_value(ByteWriter& w, const T& value) {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    w.u8(value);
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    w.u16(value);
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    w.u32(value);
  else
    w.string(value);
}

// Values 5.0 calls a Protocol Error although they parse.
void check_values(ByteReader& r, const Properties& p) {
  if (p.receive_maximum == 0 || p.maximum_packet_size == 0) r.fail(Error::invalid_property_value);
  if (p.topic_alias == 0) r.fail(Error::topic_alias_invalid);
  if (p.authentication_data && !p.authentication_method) r.fail(Error::invalid_property_value);
  if (p.response_topic && !is_valid_topic_name(*p.response_topic))
    r.fail(Error::invalid_topic_name);
}

}  // namespace

void read_properties(ByteReader& reader, PropertyContext context, Properties& out) {
  ByteReader block = reader.sub(reader.varint());
  // Identifiers are Variable Byte Integers but all defined ones fit in 7 bits.
  std::bitset<128> seen;
  while (block.ok() && block.remaining() > 0) {
    const std::uint32_t id = block.varint();
    if (!block.ok()) break;
    const auto allowed = allowed_in(id);
    if (allowed == 0) return reader.fail(Error::unknown_property);
    if ((allowed & bit(context)) == 0) return reader.fail(Error::property_not_allowed);
    const bool repeatable = id == kUserProperty ||
                            (id == kSubscriptionIdentifier && context == PropertyContext::publish);
    if (seen[id] && !repeatable) return reader.fail(Error::duplicate_property);
    seen[id] = true;

    if (id == kUserProperty) {
      auto name = block.utf8();
      auto value = block.utf8();
      out.user_properties.push_back({std::move(name), std::move(value)});
    } else if (id == kSubscriptionIdentifier) {
      const auto value = block.varint();
      if (block.ok() && value == 0) block.fail(Error::invalid_property_value);
      out.subscription_identifiers.push_back(value);
    } else {
      for_each_field(out, [&](std::uint8_t field_id, Kind kind, auto& field) {
        if (field_id == id) read_value(block, kind, field);
      });
    }
  }
  if (!block.ok()) return reader.fail(block.error());
  check_values(reader, out);
}

void write_properties(ByteWriter& writer, PropertyContext context, const Properties& properties) {
  const auto mark = writer.begin_length();
  auto put = [&](std::uint8_t id) {
    if ((allowed_in(id) & bit(context)) == 0) writer.fail(Error::property_not_allowed);
    writer.u8(id);
  };
  for_each_field(properties, [&](std::uint8_t id, Kind, const auto& field) {
    if (!field) return;
    put(id);
    write_value(writer, *field);
  });
  const auto& ids = properties.subscription_identifiers;
  if (ids.size() > 1 && context != PropertyContext::publish) writer.fail(Error::duplicate_property);
  for (const auto id : ids) {
    if (id == 0) writer.fail(Error::invalid_property_value);
    put(kSubscriptionIdentifier);
    writer.varint(id);
  }
  for (const auto& user : properties.user_properties) {
    put(kUserProperty);
    writer.string(user.name);
    writer.string(user.value);
  }
  writer.end_length(mark);
}

void read_reason_and_properties(ByteReader& reader, PropertyContext context, ReasonCode& code,
                                Properties& out) {
  code = ReasonCode::success;
  if (reader.remaining() == 0) return;
  code = static_cast<ReasonCode>(reader.u8());
  if (reader.remaining() > 0) read_properties(reader, context, out);
}

void write_reason_and_properties(ByteWriter& writer, PropertyContext context, ReasonCode code,
                                 const Properties& properties) {
  const bool no_properties = properties == Properties{};
  if (code == ReasonCode::success && no_properties) return;
  writer.u8(static_cast<std::uint8_t>(code));
  if (!no_properties) write_properties(writer, context, properties);
}

}  // namespace popflow::mqtt
