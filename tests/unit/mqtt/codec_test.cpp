#include "mqtt/codec.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

// One of every packet, with every property its 5.0 form allows.
std::vector<Packet> every_packet() {
  Connect connect;
  connect.client_id = "c";
  connect.properties = test::connect_properties();
  connect.will = Will{"w", "bye", 1, true, test::will_properties()};
  connect.username = "u";
  connect.password = "p";
  Properties subscribe_properties;
  subscribe_properties.subscription_identifiers = {5};
  Properties disconnect_properties = test::reason_properties();
  disconnect_properties.session_expiry_interval = 10;
  Properties auth_properties = test::reason_properties();
  auth_properties.authentication_method = "m";
  return {connect,
          Connack{true, ReasonCode::success, test::connack_properties()},
          Publish{"t/1", "payload", 1, true, true, 3, test::publish_properties()},
          Ack{PacketType::pubrel, 3, ReasonCode::success, test::reason_properties()},
          Subscribe{4, {{"t/+", 2, true, false, 1}}, subscribe_properties},
          Suback{4, {ReasonCode::granted_qos_2}, test::reason_properties()},
          Unsubscribe{5, {"t/+"}, {}},
          Unsuback{5, {ReasonCode::success}, test::reason_properties()},
          Pingreq{},
          Pingresp{},
          Disconnect{ReasonCode::disconnect_with_will_message, disconnect_properties},
          Auth{ReasonCode::re_authenticate, auth_properties}};
}

TEST(Codec, EveryPacketRoundTripsInV5) {
  for (const auto& packet : every_packet()) {
    const auto wire = test::encoded(ProtocolVersion::v5, packet);
    const auto decoded = decode_packet(ProtocolVersion::v5, wire);
    ASSERT_TRUE(decoded) << name(packet_type(packet)) << ": " << decoded.error().message();
    EXPECT_EQ(*decoded, packet) << name(packet_type(packet));
  }
}

TEST(Codec, SplitsAStreamOfPackets) {
  std::vector<std::uint8_t> stream;
  const auto packets = every_packet();
  for (const auto& packet : packets) ASSERT_TRUE(encode(ProtocolVersion::v5, packet, stream));
  std::span<const std::uint8_t> rest(stream);
  std::size_t count = 0;
  while (!rest.empty()) {
    const auto frame = split_frame(rest);
    ASSERT_TRUE(frame && *frame);
    const auto decoded = decode(ProtocolVersion::v5, **frame);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, packets[count++]);
    rest = rest.subspan((*frame)->size);
  }
  EXPECT_EQ(count, packets.size());
}

TEST(Codec, EncodeFailureLeavesTheBufferAsItWas) {
  std::vector<std::uint8_t> out{0xc0, 0x00};
  const auto result = encode(ProtocolVersion::v5,
                             Publish{std::string(70'000, 'a'), "", 0, false, false, 0, {}}, out);
  EXPECT_EQ(result.error(), Error::string_too_long);
  EXPECT_EQ(out, test::bytes({0xc0, 0x00}));
}

TEST(Codec, EncodeRefusesPropertiesThePacketMayNotCarry) {
  std::vector<std::uint8_t> out;
  Connack connack;
  connack.properties.topic_alias = 1;
  EXPECT_EQ(encode(ProtocolVersion::v5, connack, out).error(), Error::property_not_allowed);
  EXPECT_TRUE(out.empty());
}

TEST(Codec, PacketTypeOfEachAlternative) {
  EXPECT_EQ(packet_type(Packet{Ack{PacketType::pubcomp, 1, {}, {}}}), PacketType::pubcomp);
  EXPECT_EQ(packet_type(Packet{Auth{}}), PacketType::auth);
  EXPECT_EQ(name(PacketType::unsuback), "UNSUBACK");
}

// A cheap stand-in for the fuzzer: every truncation and every one-byte corruption of valid
// packets must come back as a packet or an error value, never a crash (run under ASan).
TEST(Codec, CorruptedInputNeverCrashes) {
  std::size_t errors = 0;
  for (const auto version : {ProtocolVersion::v311, ProtocolVersion::v5}) {
    for (const auto& packet : every_packet()) {
      std::vector<std::uint8_t> wire;
      if (!encode(version, packet, wire)) continue;  // AUTH on 3.1.1
      for (std::size_t n = 0; n < wire.size(); ++n) {
        if (!decode_packet(version, std::span(wire).first(n))) ++errors;
        for (const std::uint8_t flip : {0x01, 0x80, 0xff}) {
          auto corrupt = wire;
          corrupt[n] ^= flip;
          if (!decode_packet(version, corrupt)) ++errors;
        }
      }
    }
  }
  EXPECT_GT(errors, 0u);
}

}  // namespace
}  // namespace popflow::mqtt
