#include "mqtt/ack.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

constexpr PacketType kAckTypes[] = {PacketType::puback, PacketType::pubrec, PacketType::pubrel,
                                    PacketType::pubcomp};

TEST(AckCodec, ByteExactV311) {
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, Ack{PacketType::puback, 0x1234, {}, {}}),
            bytes({0x40, 0x02, 0x12, 0x34}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, Ack{PacketType::pubrel, 1, {}, {}}),
            bytes({0x62, 0x02, 0x00, 0x01}));
}

TEST(AckCodec, V5OmitsSuccessAndEmptyProperties) {
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, Ack{PacketType::pubrec, 1, {}, {}}),
            bytes({0x50, 0x02, 0x00, 0x01}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5,
                          Ack{PacketType::puback, 1, ReasonCode::no_matching_subscribers, {}}),
            bytes({0x40, 0x03, 0x00, 0x01, 0x10}));
}

TEST(AckCodec, V5AcceptsEveryLengthForm) {
  const auto two = decode_packet(ProtocolVersion::v5, bytes({0x70, 0x02, 0x00, 0x05}));
  const auto four = decode_packet(ProtocolVersion::v5, bytes({0x70, 0x04, 0x00, 0x05, 0x00, 0x00}));
  ASSERT_TRUE(two);
  ASSERT_TRUE(four);
  EXPECT_EQ(std::get<Ack>(*two), std::get<Ack>(*four));
}

TEST(AckCodec, RoundTripEveryTypeBothVersions) {
  for (const auto type : kAckTypes) {
    const Ack plain{type, 42, ReasonCode::success, {}};
    EXPECT_EQ(test::round_trip(ProtocolVersion::v311, plain), plain);
    const auto code = type == PacketType::pubrel || type == PacketType::pubcomp
                          ? ReasonCode::packet_identifier_not_found
                          : ReasonCode::quota_exceeded;
    const Ack full{type, 65535, code, test::reason_properties()};
    EXPECT_EQ(test::round_trip(ProtocolVersion::v5, full), full);
  }
}

TEST(AckCodec, PubrelNeedsFlags0010) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x60, 0x02, 0x00, 0x01})),
            Error::reserved_flags);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x41, 0x02, 0x00, 0x01})),
            Error::reserved_flags);
}

TEST(AckCodec, PacketIdZeroIsProtocolError) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0x40, 0x02, 0x00, 0x00})),
            Error::invalid_packet_id);
}

TEST(AckCodec, ReasonCodeMustSuitThePacket) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0x62, 0x03, 0x00, 0x01, 0x10})),
            Error::invalid_reason_code);
}

TEST(AckCodec, V311AckWithExtraBytesIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x40, 0x03, 0x00, 0x01, 0x00})),
            Error::trailing_bytes);
}

}  // namespace
}  // namespace popflow::mqtt
