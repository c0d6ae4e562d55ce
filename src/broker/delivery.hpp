#pragma once
#include <cstdint>
#include <vector>

#include "topics/message.hpp"

namespace popflow::broker {

// One PUBLISH (or, with release_only, one PUBREL) for a session's client.
struct Delivery {
  MessagePtr message;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  bool release_only = false;
  std::uint16_t packet_id = 0;  // assigned when it goes in flight; 0 for QoS 0
  std::uint64_t seq = 0;        // its place in a persistent session's journal; 0 = not kept
  std::vector<std::uint32_t> subscription_ids;
};

}  // namespace popflow::broker
