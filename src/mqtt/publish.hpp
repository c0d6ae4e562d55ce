#pragma once
// PUBLISH (3.1.1 section 3.3, 5.0 section 3.3).
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// An outgoing PUBLISH whose topic and payload are borrowed: a broker encodes one shared
// message for each subscriber without first copying it into a Publish (the fan-out path).
struct PublishView {
  std::string_view topic;
  std::string_view payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
  const Properties* properties = nullptr;  // 5.0 only; none when null
};
void write_packet(ByteWriter& w, ProtocolVersion version, const PublishView& packet);
// Appends the packet to `out`; on error `out` is left as it was (like encode()).
Result<void> encode_publish(ProtocolVersion version, const PublishView& packet,
                            std::vector<std::uint8_t>& out);

}  // namespace popflow::mqtt
