#include "mqtt/suback.hpp"

namespace popflow::mqtt {

Result<Suback> decode_suback(ProtocolVersion version, std::span<const std::uint8_t> body) {
  const bool v5 = version == ProtocolVersion::v5;
  ByteReader r(body);
  Suback packet;
  packet.packet_id = r.u16();
  if (v5) read_properties(r, PropertyContext::suback, packet.properties);
  while (r.ok() && r.remaining() > 0) {
    const std::uint8_t code = r.u8();
    // 3.1.1 knows granted QoS 0..2 and 0x80 only, all of which are valid 5.0 SUBACK codes.
    if (!v5 && code > 0x02 && code != 0x80) return Error::invalid_reason_code;
    packet.reason_codes.push_back(static_cast<ReasonCode>(code));
    if (!is_valid_reason_code(PacketType::suback, packet.reason_codes.back()))
      return Error::invalid_reason_code;
  }
  if (!r.ok()) return r.error();
  if (packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Suback& packet) {
  const bool v5 = version == ProtocolVersion::v5;
  w.u8(static_cast<std::uint8_t>(PacketType::suback) << 4);
  const auto mark = w.begin_length();
  w.u16(packet.packet_id);
  if (v5) write_properties(w, PropertyContext::suback, packet.properties);
  for (const auto code : packet.reason_codes)
    w.u8(v5 ? static_cast<std::uint8_t>(code) : to_v311_suback(code));
  w.end_length(mark);
}

}  // namespace popflow::mqtt
