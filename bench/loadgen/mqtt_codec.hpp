#pragma once
// The few MQTT 3.1.1 packets a load generator needs, hand-written (test tooling, not the
// product; the server's own codec is deliberately not reused so a bug there cannot hide).
// Encoders append to a string so that several packets go out in one write; the decoder is
// fed whatever bytes arrived (TCP segments or WebSocket frames) and yields whole packets.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace bench::mqtt {

enum class Type : std::uint8_t {
  connack = 2,
  publish = 3,
  puback = 4,
  suback = 9,
  pingresp = 13,
};

// clean = false asks for a persistent session (3.1.1 clean session 0).
void append_connect(std::string& out, std::string_view client_id, std::string_view username,
                    std::string_view password, std::uint16_t keepalive_s, bool clean = true);
void append_subscribe(std::string& out, std::uint16_t packet_id, std::string_view filter,
                      std::uint8_t qos);
void append_publish(std::string& out, std::string_view topic, std::string_view payload,
                    std::uint8_t qos, std::uint16_t packet_id);
void append_puback(std::string& out, std::uint16_t packet_id);
void append_pingreq(std::string& out);

struct Packet {
  std::uint8_t header = 0;  // first byte: type << 4 | flags
  std::string_view body;    // variable header and payload
  Type type() const { return static_cast<Type>(header >> 4); }
};

// A PUBLISH body split into its parts (3.1.1 layout: topic, packet id if QoS > 0, payload).
struct Publish {
  std::string_view topic;
  std::uint16_t packet_id = 0;
  std::uint8_t qos = 0;
  std::string_view payload;
};
bool parse_publish(const Packet& p, Publish& out);

class Decoder {
 public:
  // Calls on_packet for every whole packet in data plus what was buffered before; returns
  // false on a malformed length (the caller closes the connection).
  bool feed(std::string_view data, const std::function<void(const Packet&)>& on_packet);

 private:
  std::string pending_;  // an incomplete packet carried over to the next feed
};

}  // namespace bench::mqtt
