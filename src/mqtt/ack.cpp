#include "mqtt/ack.hpp"

namespace popflow::mqtt {

Result<Ack> decode_ack(ProtocolVersion version, PacketType type,
                       std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Ack packet;
  packet.type = type;
  packet.packet_id = r.u16();
  if (version == ProtocolVersion::v5)
    read_reason_and_properties(r, PropertyContext::ack, packet.reason_code, packet.properties);
  if (const auto ec = r.finish()) return ec;

  if (!is_valid_reason_code(type, packet.reason_code)) return Error::invalid_reason_code;
  if (packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Ack& packet) {
  // PUBREL's fixed header flags are 0010 [MQTT-3.6.1-1]; the others' are 0000.
  const std::uint8_t flags = packet.type == PacketType::pubrel ? 0x02 : 0x00;
  w.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(packet.type) << 4 | flags));
  const auto mark = w.begin_length();
  w.u16(packet.packet_id);
  if (version == ProtocolVersion::v5)
    write_reason_and_properties(w, PropertyContext::ack, packet.reason_code, packet.properties);
  w.end_length(mark);
}

}  // namespace popflow::mqtt
