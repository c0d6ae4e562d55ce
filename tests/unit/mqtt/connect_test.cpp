#include "mqtt/connect.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using namespace std::string_view_literals;
using test::wire;

// What `mosquitto_pub -V mqttv311 -i mosq-client -t test -m hello` sends first.
const auto kMosquittoV311 = wire("\x10\x17\x00\x04MQTT\x04\x02\x00\x3c\x00\x0bmosq-client"sv);
// The same CONNECT in 5.0: an empty property block after the keep alive.
const auto kMosquittoV5 = wire("\x10\x18\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x0bmosq-client"sv);

Connect mosquitto_connect(ProtocolVersion version) {
  Connect c;
  c.version = version;
  c.client_id = "mosq-client";
  c.clean_start = true;
  c.keep_alive = 60;
  return c;
}

TEST(ConnectCodec, DecodesMosquittoPubV311) {
  const auto packet = decode_packet(ProtocolVersion::v5, kMosquittoV311);  // version ignored
  ASSERT_TRUE(packet) << packet.error().message();
  EXPECT_EQ(std::get<Connect>(*packet), mosquitto_connect(ProtocolVersion::v311));
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, mosquitto_connect(ProtocolVersion::v311)),
            kMosquittoV311);
}

TEST(ConnectCodec, DecodesMosquittoPubV5) {
  const auto packet = decode_packet(ProtocolVersion::v311, kMosquittoV5);
  ASSERT_TRUE(packet) << packet.error().message();
  EXPECT_EQ(std::get<Connect>(*packet), mosquitto_connect(ProtocolVersion::v5));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, mosquitto_connect(ProtocolVersion::v5)),
            kMosquittoV5);
}

TEST(ConnectCodec, RoundTripV311WithWillAndCredentials) {
  Connect c = mosquitto_connect(ProtocolVersion::v311);
  c.clean_start = false;
  c.username = "agent-1001";
  c.password = std::string("tok\x00en", 6);
  c.will = Will{"CTI/acme/status", "gone", 1, true, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, c), c);
}

TEST(ConnectCodec, RoundTripV5WithEveryProperty) {
  Connect c = mosquitto_connect(ProtocolVersion::v5);
  c.client_id = "";
  c.properties = test::connect_properties();
  c.username = "agent";
  c.password = "secret";
  c.will = Will{"CTI/acme/status", std::string("\x00\x01", 2), 2, false, test::will_properties()};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, c), c);
}

TEST(ConnectCodec, V5AllowsPasswordWithoutUsername) {
  Connect c = mosquitto_connect(ProtocolVersion::v5);
  c.password = "token";
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, c), c);
}

TEST(ConnectCodec, V311RefusesPasswordWithoutUsername) {
  const auto bad = wire("\x10\x0e\x00\x04MQTT\x04\x42\x00\x3c\x00\x00\x00\x00"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bad), Error::reserved_flags);
}

TEST(ConnectCodec, Mqtt31IsRefusedWithReturnCode1) {
  const auto v31 = wire("\x10\x10\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x02id"sv);
  const auto ec = test::decode_error(ProtocolVersion::v311, v31);
  EXPECT_EQ(ec, Error::unsupported_protocol_version);
  EXPECT_EQ(reason_code(ec), ReasonCode::unsupported_protocol_version);
  EXPECT_EQ(to_v311_connack(reason_code(ec)), 0x01);
  // The refusal goes out in 3.1.1 form, which a 3.1 client reads.
  EXPECT_EQ(test::encoded(ProtocolVersion::v311,
                          Connack{false, ReasonCode::unsupported_protocol_version, {}}),
            test::bytes({0x20, 0x02, 0x00, 0x01}));
}

TEST(ConnectCodec, UnknownLevelOrNameIsUnsupported) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5,
                               wire("\x10\x0c\x00\x04MQTT\x06\x02\x00\x3c\x00\x00"sv)),
            Error::unsupported_protocol_version);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5,
                               wire("\x10\x0c\x00\x04MQTX\x04\x02\x00\x3c\x00\x00"sv)),
            Error::unsupported_protocol_name);
}

TEST(ConnectCodec, ReservedFlagBitIsMalformed) {
  const auto bad = wire("\x10\x0c\x00\x04MQTT\x04\x03\x00\x3c\x00\x00"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bad), Error::reserved_flags);
}

TEST(ConnectCodec, WillQos3IsInvalid) {
  const auto bad = wire("\x10\x11\x00\x04MQTT\x04\x1e\x00\x3c\x00\x00\x00\x01t\x00\x00"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bad), Error::invalid_qos);
}

TEST(ConnectCodec, WillRetainWithoutWillIsMalformed) {
  const auto bad = wire("\x10\x0c\x00\x04MQTT\x04\x22\x00\x3c\x00\x00"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bad), Error::reserved_flags);
}

TEST(ConnectCodec, WildcardInWillTopicIsMalformed) {
  const auto bad = wire("\x10\x11\x00\x04MQTT\x04\x06\x00\x3c\x00\x00\x00\x01#\x00\x00"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bad), Error::invalid_topic_name);
}

TEST(ConnectCodec, ReplyVersionComesFromTheProtocolLevel) {
  const auto v5 = split_frame(kMosquittoV5);
  const auto v311 = split_frame(kMosquittoV311);
  EXPECT_EQ(connect_reply_version(**v5), ProtocolVersion::v5);
  EXPECT_EQ(connect_reply_version(**v311), ProtocolVersion::v311);
}

}  // namespace
}  // namespace popflow::mqtt
