#include "mqtt_codec.hpp"

namespace bench::mqtt {
namespace {

void append_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void append_str(std::string& out, std::string_view s) {
  append_u16(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

void append_remaining_length(std::string& out, std::size_t n) {
  do {
    auto byte = static_cast<std::uint8_t>(n % 128);
    n /= 128;
    if (n > 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n > 0);
}

void append_packet(std::string& out, std::uint8_t header, std::string_view body) {
  out.push_back(static_cast<char>(header));
  append_remaining_length(out, body.size());
  out.append(body);
}

std::uint16_t read_u16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(s[at]) << 8) |
                                    static_cast<std::uint8_t>(s[at + 1]));
}

}  // namespace

void append_connect(std::string& out, std::string_view client_id, std::string_view username,
                    std::string_view password, std::uint16_t keepalive_s, bool clean) {
  std::string body;
  append_str(body, "MQTT");
  body.push_back(4);  // protocol level 3.1.1
  std::uint8_t flags = clean ? 0x02 : 0;
  if (!username.empty()) flags |= 0x80;
  if (!password.empty()) flags |= 0x40;
  body.push_back(static_cast<char>(flags));
  append_u16(body, keepalive_s);
  append_str(body, client_id);
  if (!username.empty()) append_str(body, username);
  if (!password.empty()) append_str(body, password);
  append_packet(out, 0x10, body);
}

void append_subscribe(std::string& out, std::uint16_t packet_id, std::string_view filter,
                      std::uint8_t qos) {
  std::string body;
  append_u16(body, packet_id);
  append_str(body, filter);
  body.push_back(static_cast<char>(qos));
  append_packet(out, 0x82, body);
}

void append_publish(std::string& out, std::string_view topic, std::string_view payload,
                    std::uint8_t qos, std::uint16_t packet_id) {
  std::string body;
  append_str(body, topic);
  if (qos > 0) append_u16(body, packet_id);
  body.append(payload);
  append_packet(out, static_cast<std::uint8_t>(0x30 | (qos << 1)), body);
}

void append_puback(std::string& out, std::uint16_t packet_id) {
  out.push_back(0x40);
  out.push_back(2);
  append_u16(out, packet_id);
}

void append_pingreq(std::string& out) {
  out.push_back(static_cast<char>(0xc0));
  out.push_back(0);
}

bool parse_publish(const Packet& p, Publish& out) {
  std::string_view b = p.body;
  if (b.size() < 2) return false;
  std::size_t topic_len = read_u16(b, 0);
  std::size_t at = 2 + topic_len;
  if (b.size() < at) return false;
  out.topic = b.substr(2, topic_len);
  out.qos = (p.header >> 1) & 0x03;
  if (out.qos > 0) {
    if (b.size() < at + 2) return false;
    out.packet_id = read_u16(b, at);
    at += 2;
  }
  out.payload = b.substr(at);
  return true;
}

bool Decoder::feed(std::string_view data, const std::function<void(const Packet&)>& on_packet) {
  // Fast path: nothing buffered, so whole packets are read straight from data without a copy.
  std::string_view in = data;
  if (!pending_.empty()) {
    pending_.append(data);
    in = pending_;
  }
  std::size_t at = 0;
  while (in.size() - at >= 2) {
    std::size_t length = 0, multiplier = 1, pos = at + 1;
    bool complete_length = false;
    for (int i = 0; i < 4 && pos < in.size(); ++i, ++pos) {
      auto byte = static_cast<std::uint8_t>(in[pos]);
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) == 0) {
        complete_length = true;
        ++pos;
        break;
      }
      if (i == 3) return false;
    }
    if (!complete_length || in.size() - pos < length) break;
    on_packet(Packet{static_cast<std::uint8_t>(in[at]), in.substr(pos, length)});
    at = pos + length;
  }
  std::string rest(in.substr(at));
  pending_ = std::move(rest);
  return true;
}

}  // namespace bench::mqtt
