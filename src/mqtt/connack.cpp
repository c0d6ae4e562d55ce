#include "mqtt/connack.hpp"

namespace popflow::mqtt {

Result<Connack> decode_connack(ProtocolVersion version, std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Connack packet;
  const std::uint8_t flags = r.u8();
  const std::uint8_t code = r.u8();
  if (version == ProtocolVersion::v5)
    read_properties(r, PropertyContext::connack, packet.properties);
  if (const auto ec = r.finish()) return ec;

  if (flags & 0xfe) return Error::reserved_flags;  // [MQTT-3.2.2-1]
  packet.session_present = flags & 0x01;
  if (version == ProtocolVersion::v311) {
    const auto mapped = from_v311_connack(code);
    if (!mapped) return Error::invalid_reason_code;
    packet.reason_code = *mapped;
  } else {
    packet.reason_code = static_cast<ReasonCode>(code);
    if (!is_valid_reason_code(PacketType::connack, packet.reason_code))
      return Error::invalid_reason_code;
  }
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Connack& packet) {
  w.u8(static_cast<std::uint8_t>(PacketType::connack) << 4);
  const auto mark = w.begin_length();
  w.u8(packet.session_present ? 1 : 0);
  if (version == ProtocolVersion::v311) {
    w.u8(to_v311_connack(packet.reason_code));
  } else {
    w.u8(static_cast<std::uint8_t>(packet.reason_code));
    write_properties(w, PropertyContext::connack, packet.properties);
  }
  w.end_length(mark);
}

}  // namespace popflow::mqtt
