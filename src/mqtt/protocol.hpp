#pragma once
// Protocol-wide constants shared by every packet file.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace popflow::mqtt {

// The Protocol Level byte of CONNECT. 3.1 ("MQIsdp", level 3) is refused.
enum class ProtocolVersion : std::uint8_t { v311 = 4, v5 = 5 };

// The high nibble of the fixed header's first byte.
enum class PacketType : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,  // 5.0 only; reserved in 3.1.1
};

// Largest value a 4-byte Variable Byte Integer can hold.
inline constexpr std::uint32_t kMaxVarint = 268'435'455;
// Fixed header (1 + 4) plus the largest Remaining Length.
inline constexpr std::size_t kMaxPacketSize = 1 + 4 + kMaxVarint;

std::string_view name(PacketType type);  // "PUBLISH", for logs

}  // namespace popflow::mqtt
