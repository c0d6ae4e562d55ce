#pragma once
// SUBSCRIBE (3.1.1 section 3.8, 5.0 section 3.8).
//
// Valid filters:   CTI/acme/+/1001   CTI/#   #   $share/group/CTI/#  (shared, 5.0)
// Invalid filters: CTI/#/x   CTI/a+   ""   $share/group  $share//x  $share/g+/x  (5.0)
// In 3.1.1 "$share/..." is an ordinary filter: shared subscriptions are a 5.0 feature.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Subscription {
  std::string filter;
  std::uint8_t qos = 0;              // maximum QoS
  bool no_local = false;             // 5.0 only
  bool retain_as_published = false;  // 5.0 only
  std::uint8_t retain_handling = 0;  // 5.0 only: 0 send, 1 send if new, 2 do not send
  bool operator==(const Subscription&) const = default;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  std::vector<Subscription> subscriptions;  // at least one
  Properties properties;                    // Subscription Identifier, User Property
  bool operator==(const Subscribe&) const = default;
};

Result<Subscribe> decode_subscribe(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Subscribe& packet);

// Topic-filter syntax for this version, including the 5.0 $share/{ShareName}/{filter} form.
bool is_valid_subscribe_filter(ProtocolVersion version, std::string_view filter);
bool is_shared_filter(ProtocolVersion version, std::string_view filter);

}  // namespace popflow::mqtt
