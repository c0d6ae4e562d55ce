#include "mqtt/codec.hpp"

#include <type_traits>

#include "mqtt/byte_writer.hpp"

namespace popflow::mqtt {
namespace {

// The fixed-header flags every packet but PUBLISH must carry (5.0 section 2.1.3).
std::uint8_t required_flags(PacketType type) {
  switch (type) {
    case PacketType::pubrel:
    case PacketType::subscribe:
    case PacketType::unsubscribe:
      return 0x02;
    default:
      return 0x00;
  }
}

template <class T>
Result<Packet> as_packet(Result<T>&& decoded) {
  if (!decoded) return decoded.error();
  return Packet{std::move(*decoded)};
}

}  // namespace

PacketType packet_type(const Packet& packet) {
  return std::visit(
      [](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Connect>)
          return PacketType::connect;
        else if constexpr (std::is_same_v<T, Connack>)
          return PacketType::connack;
        else if constexpr (std::is_same_v<T, Publish>)
          return PacketType::publish;
        else if constexpr (std::is_same_v<T, Ack>)
          return p.type;
        else if constexpr (std::is_same_v<T, Subscribe>)
          return PacketType::subscribe;
        else if constexpr (std::is_same_v<T, Suback>)
          return PacketType::suback;
        else if constexpr (std::is_same_v<T, Unsubscribe>)
          return PacketType::unsubscribe;
        else if constexpr (std::is_same_v<T, Unsuback>)
          return PacketType::unsuback;
        else if constexpr (std::is_same_v<T, Pingreq>)
          return PacketType::pingreq;
        else if constexpr (std::is_same_v<T, Pingresp>)
          return PacketType::pingresp;
        else if constexpr (std::is_same_v<T, Disconnect>)
          return PacketType::disconnect;
        else
          return PacketType::auth;
      },
      packet);
}

Result<Packet> decode(ProtocolVersion version, const Frame& frame) {
  const auto type = frame.type();
  const auto body = frame.body;
  if (type != PacketType::publish && frame.flags() != required_flags(type))
    return Error::reserved_flags;
  switch (type) {
    case PacketType::connect:
      return as_packet(decode_connect(body));
    case PacketType::connack:
      return as_packet(decode_connack(version, body));
    case PacketType::publish:
      return as_packet(decode_publish(version, frame.flags(), body));
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubrel:
    case PacketType::pubcomp:
      return as_packet(decode_ack(version, type, body));
    case PacketType::subscribe:
      return as_packet(decode_subscribe(version, body));
    case PacketType::suback:
      return as_packet(decode_suback(version, body));
    case PacketType::unsubscribe:
      return as_packet(decode_unsubscribe(version, body));
    case PacketType::unsuback:
      return as_packet(decode_unsuback(version, body));
    case PacketType::pingreq:
      if (const auto ec = check_empty_body(body)) return ec;
      return Packet{Pingreq{}};
    case PacketType::pingresp:
      if (const auto ec = check_empty_body(body)) return ec;
      return Packet{Pingresp{}};
    case PacketType::disconnect:
      return as_packet(decode_disconnect(version, body));
    case PacketType::auth:
      if (version != ProtocolVersion::v5) return Error::unknown_packet_type;
      return as_packet(decode_auth(body));
  }
  return Error::unknown_packet_type;  // type 0 is reserved
}

Result<Packet> decode_packet(ProtocolVersion version, std::span<const std::uint8_t> bytes,
                             const FrameLimits& limits) {
  const auto frame = split_frame(bytes, limits);
  if (!frame) return frame.error();
  if (!*frame) return Error::truncated;
  if ((*frame)->size != bytes.size()) return Error::trailing_bytes;
  return decode(version, **frame);
}

ProtocolVersion connect_reply_version(const Frame& frame) {
  return connect_reply_version(frame.body);
}

Result<void> encode(ProtocolVersion version, const Packet& packet, std::vector<std::uint8_t>& out) {
  const auto start = out.size();
  ByteWriter writer(out);
  std::visit([&](const auto& p) { write_packet(writer, version, p); }, packet);
  if (writer.ok()) return {};
  out.resize(start);
  return writer.error();
}

}  // namespace popflow::mqtt
