#include "mqtt/unsubscribe.hpp"

#include "mqtt/subscribe.hpp"

namespace popflow::mqtt {

Result<Unsubscribe> decode_unsubscribe(ProtocolVersion version,
                                       std::span<const std::uint8_t> body) {
  ByteReader r(body);
  Unsubscribe packet;
  packet.packet_id = r.u16();
  if (version == ProtocolVersion::v5)
    read_properties(r, PropertyContext::unsubscribe, packet.properties);
  if (!r.ok()) return r.error();
  if (r.remaining() == 0) return Error::no_topic_filters;  // [MQTT-3.10.3-2]

  while (r.ok() && r.remaining() > 0) {
    auto filter = r.utf8();
    if (r.ok() && !is_valid_subscribe_filter(version, filter)) return Error::invalid_topic_filter;
    packet.filters.push_back(std::move(filter));
  }
  if (!r.ok()) return r.error();
  if (packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Unsubscribe& packet) {
  // UNSUBSCRIBE's fixed header flags are 0010 [MQTT-3.10.1-1].
  w.u8(static_cast<std::uint8_t>(PacketType::unsubscribe) << 4 | 0x02);
  const auto mark = w.begin_length();
  w.u16(packet.packet_id);
  if (version == ProtocolVersion::v5)
    write_properties(w, PropertyContext::unsubscribe, packet.properties);
  for (const auto& filter : packet.filters) w.string(filter);
  w.end_length(mark);
}

}  // namespace popflow::mqtt
