#pragma once
// Splits a byte stream into packets using only the fixed header, so a connection can tell
// "wait for more", "here is one packet" and "close now" apart before reading the body.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "mqtt/error.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Frame {
  std::uint8_t first_byte = 0;
  std::span<const std::uint8_t> body;  // the Remaining Length bytes, a view into the buffer
  std::size_t size = 0;                // fixed header + body: how much to consume

  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
  std::uint8_t flags() const { return first_byte & 0x0f; }
};

struct FrameLimits {
  // Largest whole packet accepted (the Maximum Packet Size this side announces in 5.0).
  std::size_t max_packet_size = kMaxPacketSize;
  // 5.0 requires the shortest Remaining Length encoding [MQTT-1.5.5-1]; 3.1.1 does not, and
  // before CONNECT the version is unknown. Set once a 5.0 CONNECT has been accepted.
  bool require_minimal_length = false;
};

// One complete packet at the start of `buffer`, or nullopt when more bytes are needed.
// Errors as soon as the fixed header shows them, before the body arrives, so an oversize
// packet is never buffered: malformed_remaining_length (0x81), packet_too_large (0x95).
// O(1): reads at most 5 bytes.
Result<std::optional<Frame>> split_frame(std::span<const std::uint8_t> buffer,
                                         const FrameLimits& limits = {});

}  // namespace popflow::mqtt
