#pragma once
// PINGREQ and PINGRESP: a fixed header and nothing else, in both versions.
#include <span>

#include "mqtt/byte_writer.hpp"
#include "mqtt/error.hpp"
#include "mqtt/protocol.hpp"

namespace popflow::mqtt {

struct Pingreq {
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  bool operator==(const Pingresp&) const = default;
};

// trailing_bytes unless the body is empty.
boost::system::error_code check_empty_body(std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Pingreq& packet);
void write_packet(ByteWriter& w, ProtocolVersion version, const Pingresp& packet);

}  // namespace popflow::mqtt
