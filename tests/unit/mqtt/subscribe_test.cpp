#include "mqtt/subscribe.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using namespace std::string_view_literals;
using test::wire;

TEST(SubscribeCodec, ByteExactV311) {
  const Subscribe s{1, {{"test", 1}}, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, s), wire("\x82\x09\x00\x01\x00\x04test\x01"sv));
}

TEST(SubscribeCodec, RoundTripV311) {
  const Subscribe s{7, {{"CTI/acme/1001", 0}, {"CTI/acme/+/1001", 1}, {"CRM/#", 2}}, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, s), s);
}

TEST(SubscribeCodec, RoundTripV5WithOptionsAndProperties) {
  Properties p;
  p.subscription_identifiers = {42};
  p.user_properties = test::user_properties();
  const Subscribe s{
      65535,
      {{"CTI/acme/+/1001", 2, true, true, 2}, {"$share/agents/CTI/acme/#", 1, false, false, 1}},
      p};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, s), s);
}

TEST(SubscribeCodec, NoFiltersIsProtocolError) {
  const auto ec = test::decode_error(ProtocolVersion::v311, wire("\x82\x02\x00\x01"sv));
  EXPECT_EQ(ec, Error::no_topic_filters);
  EXPECT_EQ(reason_code(ec), ReasonCode::protocol_error);
}

TEST(SubscribeCodec, InvalidFilterIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x82\x08\x00\x01\x00\x03#/a\x00"sv)),
            Error::invalid_topic_filter);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x82\x05\x00\x01\x00\x00\x00"sv)),
            Error::invalid_topic_filter);
}

TEST(SubscribeCodec, ReservedOptionBits) {
  // Bit 2 is No Local in 5.0 but reserved in 3.1.1; bits 6-7 are reserved in both.
  const auto no_local = wire("\x82\x06\x00\x01\x00\x01t\x04"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, no_local),
            Error::invalid_subscription_options);
  EXPECT_FALSE(
      test::decode_error(ProtocolVersion::v5, wire("\x82\x07\x00\x01\x00\x00\x01t\x04"sv)));
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, wire("\x82\x07\x00\x01\x00\x00\x01t\x40"sv)),
            Error::invalid_subscription_options);
}

TEST(SubscribeCodec, Qos3AndRetainHandling3) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x82\x06\x00\x01\x00\x01t\x03"sv)),
            Error::invalid_qos);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, wire("\x82\x07\x00\x01\x00\x00\x01t\x30"sv)),
            Error::invalid_retain_handling);
}

TEST(SubscribeCodec, PacketIdZeroIsProtocolError) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x82\x06\x00\x00\x00\x01t\x00"sv)),
            Error::invalid_packet_id);
}

TEST(SubscribeCodec, FlagsMustBe0010) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\x80\x06\x00\x01\x00\x01t\x00"sv)),
            Error::reserved_flags);
}

TEST(SubscribeCodec, SharedSubscriptionSyntax) {
  EXPECT_TRUE(is_valid_subscribe_filter(ProtocolVersion::v5, "$share/g/CTI/#"));
  EXPECT_FALSE(is_valid_subscribe_filter(ProtocolVersion::v5, "$share/g"));
  EXPECT_FALSE(is_valid_subscribe_filter(ProtocolVersion::v5, "$share//a"));
  EXPECT_FALSE(is_valid_subscribe_filter(ProtocolVersion::v5, "$share/g+/a"));
  EXPECT_FALSE(is_valid_subscribe_filter(ProtocolVersion::v5, "$share/g/"));
  EXPECT_TRUE(is_valid_subscribe_filter(ProtocolVersion::v311, "$share/g"));  // plain filter
}

TEST(SubscribeCodec, NoLocalOnSharedSubscriptionIsProtocolError) {
  const auto bad = wire("\x82\x10\x00\x01\x00\x00\x0a$share/g/t\x04"sv);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bad), Error::no_local_on_shared_subscription);
}

}  // namespace
}  // namespace popflow::mqtt
