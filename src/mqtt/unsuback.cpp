#include "mqtt/unsuback.hpp"

namespace popflow::mqtt {

Result<Unsuback> decode_unsuback(ProtocolVersion version, std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Unsuback packet;
  packet.packet_id = r.u16();
  if (version == ProtocolVersion::v5) {
    read_properties(r, PropertyContext::unsuback, packet.properties);
    while (r.ok() && r.remaining() > 0) {
      packet.reason_codes.push_back(static_cast<ReasonCode>(r.u8()));
      if (!is_valid_reason_code(PacketType::unsuback, packet.reason_codes.back()))
        return Error::invalid_reason_code;
    }
  }
  if (const auto ec = r.finish()) return ec;
  if (packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Unsuback& packet) {
  w.u8(static_cast<std::uint8_t>(PacketType::unsuback) << 4);
  const auto mark = w.begin_length();
  w.u16(packet.packet_id);
  if (version == ProtocolVersion::v5) {
    write_properties(w, PropertyContext::unsuback, packet.properties);
    for (const auto code : packet.reason_codes) w.u8(static_cast<std::uint8_t>(code));
  }
  w.end_length(mark);
}

}  // namespace popflow::mqtt
