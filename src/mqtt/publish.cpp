#include "mqtt/publish.hpp"

#include "topics/topic.hpp"

namespace popflow::mqtt {
namespace {

constexpr std::uint8_t kDup = 0x08;
constexpr std::uint8_t kRetain = 0x01;

}  // namespace

Result<Publish> decode_publish(ProtocolVersion version, std::uint8_t flags,
                               std::span<const std::uint8_t> body) {
  Publish packet;
  packet.qos = (flags >> 1) & 0x03;
  packet.dup = flags & kDup;
  packet.retain = flags & kRetain;
  if (packet.qos == 3) return Error::invalid_qos;                // [MQTT-3.3.1-4]
  if (packet.dup && packet.qos == 0) return Error::dup_on_qos0;  // [MQTT-3.3.1-2]

  ByteReader r(body);
  packet.topic = r.utf8();
  if (packet.qos > 0) packet.packet_id = r.u16();
  if (version == ProtocolVersion::v5)
    read_properties(r, PropertyContext::publish, packet.properties);
  if (!r.ok()) return r.error();
  packet.payload = r.rest();

  if (packet.topic.empty()) {
    // 5.0 lets a Topic Alias stand in for the name; 3.1.1 has no aliases.
    if (version == ProtocolVersion::v311) return Error::invalid_topic_name;
    if (!packet.properties.topic_alias) return Error::missing_topic;
  } else if (!is_valid_topic_name(packet.topic)) {
    return Error::invalid_topic_name;  // wildcards [MQTT-3.3.2-2]
  }
  if (packet.qos > 0 && packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Publish& packet) {
  write_packet(w, version,
               PublishView{packet.topic, packet.payload, packet.qos, packet.retain, packet.dup,
                           packet.packet_id, &packet.properties});
}

void write_packet(ByteWriter& w, ProtocolVersion version, const PublishView& packet) {
  if (packet.qos > 2) w.fail(Error::invalid_qos);
  std::uint8_t flags = static_cast<std::uint8_t>((packet.qos & 0x03) << 1);
  if (packet.dup) flags |= kDup;
  if (packet.retain) flags |= kRetain;
  w.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(PacketType::publish) << 4 | flags));
  const auto mark = w.begin_length();
  w.string(packet.topic);
  if (packet.qos > 0) w.u16(packet.packet_id);
  if (version == ProtocolVersion::v5)
    write_properties(w, PropertyContext::publish,
                     packet.properties ? *packet.properties : Properties{});
  w.raw(packet.payload);
  w.end_length(mark);
}

Result<void> encode_publish(ProtocolVersion version, const PublishView& packet,
                            std::vector<std::uint8_t>& out) {
  const auto start = out.size();
  ByteWriter writer(out);
  write_packet(writer, version, packet);
  if (writer.ok()) return {};
  out.resize(start);
  return writer.error();
}

}  // namespace popflow::mqtt
