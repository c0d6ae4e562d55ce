#include "mqtt/connect.hpp"

#include "topics/topic.hpp"

namespace popflow::mqtt {
namespace {

// Connect Flags (3.1.2.3 / 3.1.2.2).
constexpr std::uint8_t kReserved = 0x01;
constexpr std::uint8_t kCleanStart = 0x02;
constexpr std::uint8_t kWill = 0x04;
constexpr std::uint8_t kWillRetain = 0x20;
constexpr std::uint8_t kPassword = 0x40;
constexpr std::uint8_t kUsername = 0x80;
constexpr int kWillQosShift = 3;

}  // namespace

ProtocolVersion connect_reply_version(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  r.binary();
  return r.u8() == 5 && r.ok() ? ProtocolVersion::v5 : ProtocolVersion::v311;
}

Result<Connect> decode_connect(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  const std::string protocol = r.binary();
  const std::uint8_t level = r.u8();
  if (!r.ok()) return r.error();
  if (protocol == "MQIsdp") return Error::unsupported_protocol_version;  // 3.1
  if (protocol != "MQTT") return Error::unsupported_protocol_name;
  if (level != 4 && level != 5) return Error::unsupported_protocol_version;

  Connect packet;
  packet.version = static_cast<ProtocolVersion>(level);
  const bool v5 = packet.version == ProtocolVersion::v5;
  const std::uint8_t flags = r.u8();
  packet.keep_alive = r.u16();
  if (v5) read_properties(r, PropertyContext::connect, packet.properties);
  if (!r.ok()) return r.error();

  const std::uint8_t will_qos = (flags >> kWillQosShift) & 0x03;
  const bool will = flags & kWill;
  if (flags & kReserved) return Error::reserved_flags;  // [MQTT-3.1.2-3]
  if (will_qos == 3) return Error::invalid_qos;
  if (!will && (will_qos != 0 || (flags & kWillRetain))) return Error::reserved_flags;
  // 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]; 5.0 allows it.
  if (!v5 && (flags & kPassword) && !(flags & kUsername)) return Error::reserved_flags;
  packet.clean_start = flags & kCleanStart;

  packet.client_id = r.utf8();
  if (will) {
    Will w;
    if (v5) read_properties(r, PropertyContext::will, w.properties);
    w.topic = r.utf8();
    w.payload = r.binary();
    w.qos = will_qos;
    w.retain = flags & kWillRetain;
    if (r.ok() && !is_valid_topic_name(w.topic)) return Error::invalid_topic_name;
    packet.will = std::move(w);
  }
  if (flags & kUsername) packet.username = r.utf8();
  if (flags & kPassword) packet.password = r.binary();
  if (const auto ec = r.finish()) return ec;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion, const Connect& packet) {
  const auto version = packet.version;
  const bool v5 = version == ProtocolVersion::v5;
  w.u8(static_cast<std::uint8_t>(PacketType::connect) << 4);
  const auto mark = w.begin_length();
  w.string("MQTT");
  w.u8(static_cast<std::uint8_t>(version));

  std::uint8_t flags = 0;
  if (packet.clean_start) flags |= kCleanStart;
  if (packet.will) {
    if (packet.will->qos > 2) w.fail(Error::invalid_qos);
    flags |= kWill | static_cast<std::uint8_t>((packet.will->qos & 0x03) << kWillQosShift);
    if (packet.will->retain) flags |= kWillRetain;
  }
  if (packet.username) flags |= kUsername;
  if (packet.password) flags |= kPassword;
  w.u8(flags);
  w.u16(packet.keep_alive);
  if (v5) write_properties(w, PropertyContext::connect, packet.properties);

  w.string(packet.client_id);
  if (packet.will) {
    if (v5) write_properties(w, PropertyContext::will, packet.will->properties);
    w.string(packet.will->topic);
    w.string(packet.will->payload);
  }
  if (packet.username) w.string(*packet.username);
  if (packet.password) w.string(*packet.password);
  w.end_length(mark);
}

}  // namespace popflow::mqtt
