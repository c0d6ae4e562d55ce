#include "mqtt/subscribe.hpp"

#include "topics/topic.hpp"

namespace popflow::mqtt {
namespace {

constexpr std::string_view kSharePrefix = "$share/";
constexpr std::uint8_t kNoLocal = 0x04;
constexpr std::uint8_t kRetainAsPublished = 0x08;

}  // namespace

bool is_shared_filter(ProtocolVersion version, std::string_view filter) {
  return version == ProtocolVersion::v5 && filter.starts_with(kSharePrefix);
}

bool is_valid_subscribe_filter(ProtocolVersion version, std::string_view filter) {
  if (!is_shared_filter(version, filter)) return is_valid_topic_filter(filter);
  // $share/{ShareName}/{filter}: a non-empty ShareName without '/', '+' or '#' [MQTT-4.8.2-1..2].
  const auto rest = filter.substr(kSharePrefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  if (rest.substr(0, slash).find_first_of("+#") != std::string_view::npos) return false;
  return is_valid_topic_filter(rest.substr(slash + 1));
}

Result<Subscribe> decode_subscribe(ProtocolVersion version, std::span<const std::uint8_t> body) {
  const bool v5 = version == ProtocolVersion::v5;
  ByteReader r(body);
  Subscribe packet;
  packet.packet_id = r.u16();
  if (v5) read_properties(r, PropertyContext::subscribe, packet.properties);
  if (!r.ok()) return r.error();
  if (r.remaining() == 0) return Error::no_topic_filters;  // [MQTT-3.8.3-2]

  while (r.ok() && r.remaining() > 0) {
    Subscription s;
    s.filter = r.utf8();
    const std::uint8_t options = r.u8();
    if (!r.ok()) break;
    // 3.1.1 has only the QoS bits; 5.0 reserves bits 6 and 7 [MQTT-3.8.3-5].
    if (options & (v5 ? 0xc0 : 0xfc)) return Error::invalid_subscription_options;
    s.qos = options & 0x03;
    s.no_local = options & kNoLocal;
    s.retain_as_published = options & kRetainAsPublished;
    s.retain_handling = (options >> 4) & 0x03;
    if (s.qos == 3) return Error::invalid_qos;
    if (s.retain_handling == 3) return Error::invalid_retain_handling;
    if (!is_valid_subscribe_filter(version, s.filter)) return Error::invalid_topic_filter;
    if (s.no_local && is_shared_filter(version, s.filter))
      return Error::no_local_on_shared_subscription;  // [MQTT-3.8.3-4]
    packet.subscriptions.push_back(std::move(s));
  }
  if (!r.ok()) return r.error();
  if (packet.packet_id == 0) return Error::invalid_packet_id;
  return packet;
}

void write_packet(ByteWriter& w, ProtocolVersion version, const Subscribe& packet) {
  const bool v5 = version == ProtocolVersion::v5;
  // SUBSCRIBE's fixed header flags are 0010 [MQTT-3.8.1-1].
  w.u8(static_cast<std::uint8_t>(PacketType::subscribe) << 4 | 0x02);
  const auto mark = w.begin_length();
  w.u16(packet.packet_id);
  if (v5) write_properties(w, PropertyContext::subscribe, packet.properties);
  for (const auto& s : packet.subscriptions) {
    w.string(s.filter);
    std::uint8_t options = s.qos & 0x03;
    if (v5) {
      if (s.no_local) options |= kNoLocal;
      if (s.retain_as_published) options |= kRetainAsPublished;
      options |= static_cast<std::uint8_t>((s.retain_handling & 0x03) << 4);
    }
    w.u8(options);
  }
  w.end_length(mark);
}

}  // namespace popflow::mqtt
