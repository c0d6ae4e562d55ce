#include "mqtt/auth.hpp"

namespace popflow::mqtt {

Result<Auth> decode_auth(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Auth packet;
  read_reason_and_properties(r, PropertyContext::auth, packet.reason_code, packet.properties);
  if (const auto ec = r.finish()) return ec;
  if (!is_valid_reason_code(PacketType::auth, packet.reason_code))
    return Error::invalid_reason_code;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Auth& packet) {
  if (version != ProtocolVersion::v5) return w.fail(Error::not_in_protocol_version);
  w.u8(static_cast<std::uint8_t>(PacketType::auth) << 4);
  const auto mark = w.begin_length();
  write_reason_and_properties(w, PropertyContext::auth, packet.reason_code, packet.properties);
  w.end_length(mark);
}

}  // namespace popflow::mqtt
