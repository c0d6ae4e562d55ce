#include "mqtt/publish.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using namespace std::string_view_literals;
using test::wire;

TEST(PublishCodec, ByteExactQos0AndQos1) {
  const Publish q0{"test", "hello", 0, false, false, 0, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, q0), wire("\x30\x0b\x00\x04testhello"sv));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, q0), wire("\x30\x0c\x00\x04test\x00hello"sv));
  const Publish q1{"test", "hello", 1, true, true, 1, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, q1), wire("\x3b\x0d\x00\x04test\x00\x01hello"sv));
}

TEST(PublishCodec, RoundTripV311) {
  for (std::uint8_t qos = 0; qos <= 2; ++qos) {
    const Publish p{"CTI/acme/1001",
                    R"({"event":"On Ring"})",
                    qos,
                    qos == 1,
                    qos == 2,
                    static_cast<std::uint16_t>(qos ? 65535 : 0),
                    {}};
    EXPECT_EQ(test::round_trip(ProtocolVersion::v311, p), p);
  }
}

TEST(PublishCodec, RoundTripV5WithEveryProperty) {
  const Publish p{"CTI/acme/env-1/1001",     std::string("\x00\xff", 2), 2, true, false, 9,
                  test::publish_properties()};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, p), p);
}

TEST(PublishCodec, EmptyPayloadAndLargePayload) {
  const Publish empty{"a", "", 0, true, false, 0, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, empty), empty);
  const Publish large{"a", std::string(200'000, 'x'), 1, false, false, 7, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, large), large);
}

TEST(PublishCodec, V5EmptyTopicNeedsTopicAlias) {
  Publish p{"", "x", 0, false, false, 0, {}};
  p.properties.topic_alias = 3;
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, p), p);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, wire("\x30\x04\x00\x00\x00x"sv)),
            Error::missing_topic);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x30\x03\x00\x00x"sv)),
            Error::invalid_topic_name);
}

TEST(PublishCodec, WildcardInTopicIsMalformed) {
  const auto ec = test::decode_error(ProtocolVersion::v311, wire("\x30\x05\x00\x03\x61/#"sv));
  EXPECT_EQ(ec, Error::invalid_topic_name);
  EXPECT_EQ(reason_code(ec), ReasonCode::malformed_packet);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, wire("\x30\x06\x00\x03+/b\x00"sv)),
            Error::invalid_topic_name);
}

TEST(PublishCodec, Qos3IsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x36\x05\x00\x01t\x00\x01"sv)),
            Error::invalid_qos);
}

TEST(PublishCodec, DupOnQos0IsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x38\x03\x00\x01t"sv)),
            Error::dup_on_qos0);
}

TEST(PublishCodec, PacketIdZeroIsProtocolError) {
  const auto ec = test::decode_error(ProtocolVersion::v311, wire("\x32\x05\x00\x01t\x00\x00"sv));
  EXPECT_EQ(ec, Error::invalid_packet_id);
  EXPECT_EQ(reason_code(ec), ReasonCode::protocol_error);
}

TEST(PublishCodec, TopicWithNulOrBadUtf8IsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x30\x05\x00\x03\x61\x00\x62"sv)),
            Error::invalid_utf8);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x30\x05\x00\x03\xed\xb0\x80"sv)),
            Error::invalid_utf8);
}

TEST(PublishCodec, EncodingQos3Fails) {
  std::vector<std::uint8_t> out{0x42};
  const auto result = encode(ProtocolVersion::v5, Publish{"t", "", 3, false, false, 1, {}}, out);
  EXPECT_EQ(result.error(), Error::invalid_qos);
  EXPECT_EQ(out, test::bytes({0x42}));
}

}  // namespace
}  // namespace popflow::mqtt
