#pragma once
// MQTT 5.0 properties (section 2.2.2): every property as an optional field. Which ones a
// packet may carry is checked on both decode and encode; 3.1.1 packets carry none.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct UserProperty {
  std::string name;
  std::string value;
  bool operator==(const UserProperty&) const = default;
};

struct Properties {
  std::optional<std::uint8_t> payload_format_indicator;           // 0x01
  std::optional<std::uint32_t> message_expiry_interval;           // 0x02
  std::optional<std::string> content_type;                        // 0x03
  std::optional<std::string> response_topic;                      // 0x08
  std::optional<std::string> correlation_data;                    // 0x09 binary
  std::vector<std::uint32_t> subscription_identifiers;            // 0x0B, several only on PUBLISH
  std::optional<std::uint32_t> session_expiry_interval;           // 0x11
  std::optional<std::string> assigned_client_identifier;          // 0x12
  std::optional<std::uint16_t> server_keep_alive;                 // 0x13
  std::optional<std::string> authentication_method;               // 0x15
  std::optional<std::string> authentication_data;                 // 0x16 binary
  std::optional<std::uint8_t> request_problem_information;        // 0x17
  std::optional<std::uint32_t> will_delay_interval;               // 0x18
  std::optional<std::uint8_t> request_response_information;       // 0x19
  std::optional<std::string> response_information;                // 0x1A
  std::optional<std::string> server_reference;                    // 0x1C
  std::optional<std::string> reason_string;                       // 0x1F
  std::optional<std::uint16_t> receive_maximum;                   // 0x21
  std::optional<std::uint16_t> topic_alias_maximum;               // 0x22
  std::optional<std::uint16_t> topic_alias;                       // 0x23
  std::optional<std::uint8_t> maximum_qos;                        // 0x24
  std::optional<std::uint8_t> retain_available;                   // 0x25
  std::vector<UserProperty> user_properties;                      // 0x26, any number, order kept
  std::optional<std::uint32_t> maximum_packet_size;               // 0x27
  std::optional<std::uint8_t> wildcard_subscription_available;    // 0x28
  std::optional<std::uint8_t> subscription_identifier_available;  // 0x29
  std::optional<std::uint8_t> shared_subscription_available;      // 0x2A

  bool operator==(const Properties&) const = default;
};

// Where a property block sits; each property lists the places it may appear.
enum class PropertyContext : std::uint16_t {
  connect = 1 << 0,
  connack = 1 << 1,
  publish = 1 << 2,
  will = 1 << 3,
  ack = 1 << 4,  // PUBACK, PUBREC, PUBREL, PUBCOMP
  subscribe = 1 << 5,
  suback = 1 << 6,
  unsubscribe = 1 << 7,
  unsuback = 1 << 8,
  disconnect = 1 << 9,
  auth = 1 << 10,
};

// Reads a Property Length and the block it announces. Errors: unknown_property and
// property_not_allowed (0x81), duplicate_property and invalid_property_value (0x82),
// topic_alias_invalid (0x94), plus the reader's own.
void read_properties(ByteReader& reader, PropertyContext context, Properties& out);
// Writes a Property Length and the block; a property not allowed in `context` fails the writer.
void write_properties(ByteWriter& writer, PropertyContext context, const Properties& properties);

// The 5.0 tail of PUBACK..PUBCOMP, DISCONNECT and AUTH: a reason code, then properties. Both
// may be left off when the code is 0x00 and there are no properties, the properties alone
// when there are none; so the writer sends the shortest form and the reader takes any.
void read_reason_and_properties(ByteReader& reader, PropertyContext context, ReasonCode& code,
                                Properties& out);
void write_reason_and_properties(ByteWriter& writer, PropertyContext context, ReasonCode code,
                                 const Properties& properties);

}  // namespace popflow::mqtt
