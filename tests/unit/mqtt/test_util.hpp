#pragma once
// Helpers shared by the codec tests: byte literals, round trips, and a full set of 5.0
// properties for every place a property block can appear.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/codec.hpp"

namespace popflow::mqtt::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

// Bytes from a string literal; use the sv suffix so embedded NULs count: wire("\x00\x04"sv).
inline Bytes wire(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// The packet with a fixed header whose Remaining Length is computed (< 128 bytes).
inline Bytes packet(int first_byte, std::initializer_list<int> body) {
  Bytes out = bytes({first_byte, static_cast<int>(body.size())});
  for (int v : body) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

inline Bytes encoded(ProtocolVersion version, const Packet& p) {
  Bytes out;
  const auto result = encode(version, p, out);
  EXPECT_TRUE(result) << result.error().message();
  return out;
}

// Encodes, decodes and returns what came back, failing the test if it is not a T.
template <class T>
T round_trip(ProtocolVersion version, const T& p) {
  const auto wire = encoded(version, Packet{p});
  const auto decoded = decode_packet(version, wire);
  if (!decoded) {
    ADD_FAILURE() << "decode failed: " << decoded.error().message();
    return {};
  }
  if (!std::holds_alternative<T>(*decoded)) {
    ADD_FAILURE() << "decoded as another packet type";
    return {};
  }
  return std::get<T>(*decoded);
}

inline boost::system::error_code decode_error(ProtocolVersion version, const Bytes& wire) {
  const auto decoded = decode_packet(version, wire);
  return decoded ? boost::system::error_code{} : decoded.error();
}

inline std::vector<UserProperty> user_properties() {
  // Repeated names are allowed and their order is kept.
  return {{"tenant", "acme"}, {"tenant", "globex"}, {"caf\xc3\xa9", "\xe2\x82\xac"}};
}

inline Properties connect_properties() {
  Properties p;
  p.session_expiry_interval = 3600;
  p.authentication_method = "SCRAM-SHA-1";
  p.authentication_data = std::string("\x00\x01\xff", 3);
  p.request_problem_information = 1;
  p.request_response_information = 1;
  p.receive_maximum = 20;
  p.topic_alias_maximum = 10;
  p.maximum_packet_size = 65536;
  p.user_properties = user_properties();
  return p;
}

inline Properties connack_properties() {
  Properties p;
  p.session_expiry_interval = 0xffffffff;
  p.assigned_client_identifier = "auto-1234";
  p.server_keep_alive = 30;
  p.authentication_method = "SCRAM-SHA-1";
  p.authentication_data = "server-first";
  p.response_information = "resp/";
  p.server_reference = "other.example.com:1883";
  p.reason_string = "welcome";
  p.receive_maximum = 100;
  p.topic_alias_maximum = 0;
  p.maximum_qos = 1;
  p.retain_available = 0;
  p.maximum_packet_size = 1048576;
  p.wildcard_subscription_available = 1;
  p.subscription_identifier_available = 1;
  p.shared_subscription_available = 0;
  p.user_properties = user_properties();
  return p;
}

inline Properties publish_properties() {
  Properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = 120;
  p.content_type = "application/json";
  p.response_topic = "CTI/acme/replies";
  p.correlation_data = std::string("\x00\x2a", 2);
  p.subscription_identifiers = {1, 268435455};
  p.topic_alias = 7;
  p.user_properties = user_properties();
  return p;
}

inline Properties will_properties() {
  Properties p;
  p.payload_format_indicator = 0;
  p.message_expiry_interval = 60;
  p.content_type = "text/plain";
  p.response_topic = "will/replies";
  p.correlation_data = "corr";
  p.will_delay_interval = 5;
  p.user_properties = user_properties();
  return p;
}

// PUBACK..PUBCOMP, SUBACK and UNSUBACK carry only these two.
inline Properties reason_properties() {
  Properties p;
  p.reason_string = "because";
  p.user_properties = user_properties();
  return p;
}

}  // namespace popflow::mqtt::test
