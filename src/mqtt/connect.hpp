#pragma once
// CONNECT (3.1.1 section 3.1, 5.0 section 3.1). It carries its own protocol level, so it is
// decoded before the connection knows its version.
#include <optional>
#include <span>
#include <string>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Will {
  std::string topic;
  std::string payload;  // binary
  std::uint8_t qos = 0;
  bool retain = false;
  Properties properties;  // 5.0 will properties
  bool operator==(const Will&) const = default;
};

struct Connect {
  ProtocolVersion version = ProtocolVersion::v5;
  std::string client_id;  // may be empty; whether that is accepted is the broker's call
  bool clean_start = true;
  std::uint16_t keep_alive = 0;  // seconds
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary data, not UTF-8: the client token goes here
  std::optional<Will> will;
  Properties properties;
  bool operator==(const Connect&) const = default;
};

// Refuses protocol levels other than 4 and 5 (unsupported_protocol_version, 3.1.1 return code
// 0x01) and names other than "MQTT" (unsupported_protocol_name).
Result<Connect> decode_connect(std::span<const std::uint8_t> body);
// The version from a CONNECT body's protocol level: which CONNACK format to refuse it in
// even when the rest of the packet does not decode. 3.1.1 for anything but level 5.
ProtocolVersion connect_reply_version(std::span<const std::uint8_t> body);

// Written in packet.version whatever the connection's: it is what announces the version.
void write_packet(ByteWriter& w, ProtocolVersion version, const Connect& packet);

}  // namespace popflow::mqtt
