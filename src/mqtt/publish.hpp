#pragma once
// PUBLISH (3.1.1 section 3.3, 5.0 section 3.3).
#include <span>
#include <string>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Publish {
  std::string topic;    // no wildcards; empty only with a 5.0 Topic Alias
  std::string payload;  // binary
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // non-zero when qos > 0, absent on the wire for QoS 0
  Properties properties;
  bool operator==(const Publish&) const = default;
};

// `flags` is the low nibble of the fixed header: DUP, QoS and RETAIN live there.
// Direction-specific rules (a client must not send a Subscription Identifier, topic alias
// ranges) are the session's to check.
Result<Publish> decode_publish(ProtocolVersion version, std::uint8_t flags,
                               std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Publish& packet);

}  // namespace popflow::mqtt
