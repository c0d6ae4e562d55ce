#include "mqtt/ping.hpp"

namespace popflow::mqtt {

boost::system::error_code check_empty_body(std::span<const std::uint8_t> body) {
  if (!body.empty()) return Error::trailing_bytes;
  return {};
}

void write_packet(ByteWriter& w, ProtocolVersion, const Pingreq&) {
  w.u8(static_cast<std::uint8_t>(PacketType::pingreq) << 4);
  w.u8(0);
}

void write_packet(ByteWriter& w, ProtocolVersion, const Pingresp&) {
  w.u8(static_cast<std::uint8_t>(PacketType::pingresp) << 4);
  w.u8(0);
}

}  // namespace popflow::mqtt
