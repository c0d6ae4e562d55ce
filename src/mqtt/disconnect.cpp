#include "mqtt/disconnect.hpp"

namespace popflow::mqtt {

Result<Disconnect> decode_disconnect(ProtocolVersion version, std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Disconnect packet;
  if (version == ProtocolVersion::v5)
    read_reason_and_properties(r, PropertyContext::disconnect, packet.reason_code,
                               packet.properties);
  if (const auto ec = r.finish()) return ec;
  if (!is_valid_reason_code(PacketType::disconnect, packet.reason_code))
    return Error::invalid_reason_code;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Disconnect& packet) {
  w.u8(static_cast<std::uint8_t>(PacketType::disconnect) << 4);
  const auto mark = w.begin_length();
  if (version == ProtocolVersion::v5)
    write_reason_and_properties(w, PropertyContext::disconnect, packet.reason_code,
                                packet.properties);
  w.end_length(mark);
}

}  // namespace popflow::mqtt
