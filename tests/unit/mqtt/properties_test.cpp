#include "mqtt/properties.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

// Reads a property block (Property Length included) in `context`; returns the reader's error.
boost::system::error_code read_error(const test::Bytes& block, PropertyContext context) {
  ByteReader r(block);
  Properties p;
  read_properties(r, context, p);
  return r.finish();
}

Properties round_trip(PropertyContext context, const Properties& in) {
  test::Bytes out;
  ByteWriter w(out);
  write_properties(w, context, in);
  EXPECT_TRUE(w.ok()) << w.error().message();
  ByteReader r(out);
  Properties back;
  read_properties(r, context, back);
  EXPECT_FALSE(r.finish()) << r.finish().message();
  return back;
}

TEST(Properties, FullSetsRoundTripInEveryContext) {
  EXPECT_EQ(round_trip(PropertyContext::connect, test::connect_properties()),
            test::connect_properties());
  EXPECT_EQ(round_trip(PropertyContext::connack, test::connack_properties()),
            test::connack_properties());
  EXPECT_EQ(round_trip(PropertyContext::publish, test::publish_properties()),
            test::publish_properties());
  EXPECT_EQ(round_trip(PropertyContext::will, test::will_properties()), test::will_properties());
  EXPECT_EQ(round_trip(PropertyContext::ack, test::reason_properties()), test::reason_properties());
}

TEST(Properties, EmptyBlockIsOneZeroByte) {
  test::Bytes out;
  ByteWriter w(out);
  write_properties(w, PropertyContext::publish, {});
  EXPECT_EQ(out, bytes({0x00}));
}

TEST(Properties, ByteExactEncoding) {
  Properties p;
  p.message_expiry_interval = 0x01020304;
  p.user_properties = {{"k", "v"}};
  test::Bytes out;
  ByteWriter w(out);
  write_properties(w, PropertyContext::publish, p);
  EXPECT_EQ(out,
            bytes({0x0c, 0x02, 0x01, 0x02, 0x03, 0x04, 0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v'}));
}

TEST(Properties, DuplicateIsProtocolError) {
  EXPECT_EQ(read_error(bytes({0x06, 0x23, 0x00, 0x01, 0x23, 0x00, 0x02}), PropertyContext::publish),
            Error::duplicate_property);
}

TEST(Properties, UserPropertyMayRepeat) {
  const auto block = bytes({0x0d, 0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',  //
                            0x26, 0x00, 0x01, 'a', 0x00, 0x00});
  EXPECT_FALSE(read_error(block, PropertyContext::ack));
}

TEST(Properties, SubscriptionIdentifierRepeatsOnlyOnPublish) {
  const auto block = bytes({0x04, 0x0b, 0x01, 0x0b, 0x02});
  EXPECT_FALSE(read_error(block, PropertyContext::publish));
  EXPECT_EQ(read_error(block, PropertyContext::subscribe), Error::duplicate_property);
}

TEST(Properties, NotAllowedOnThisPacketIsMalformed) {
  // Topic Alias on a CONNECT, Session Expiry on a PUBACK, Will Delay outside a will.
  EXPECT_EQ(read_error(bytes({0x03, 0x23, 0x00, 0x01}), PropertyContext::connect),
            Error::property_not_allowed);
  EXPECT_EQ(read_error(bytes({0x05, 0x11, 0, 0, 0, 1}), PropertyContext::ack),
            Error::property_not_allowed);
  EXPECT_EQ(read_error(bytes({0x05, 0x18, 0, 0, 0, 1}), PropertyContext::connect),
            Error::property_not_allowed);
}

TEST(Properties, UnknownIdentifierIsMalformed) {
  EXPECT_EQ(read_error(bytes({0x02, 0x7f, 0x00}), PropertyContext::publish),
            Error::unknown_property);
  EXPECT_EQ(reason_code(Error::unknown_property), ReasonCode::malformed_packet);
}

TEST(Properties, ValuesThatMayNotBeZero) {
  EXPECT_EQ(read_error(bytes({0x03, 0x21, 0x00, 0x00}), PropertyContext::connect),
            Error::invalid_property_value);  // Receive Maximum
  EXPECT_EQ(read_error(bytes({0x05, 0x27, 0, 0, 0, 0}), PropertyContext::connect),
            Error::invalid_property_value);  // Maximum Packet Size
  EXPECT_EQ(read_error(bytes({0x02, 0x0b, 0x00}), PropertyContext::subscribe),
            Error::invalid_property_value);  // Subscription Identifier
  EXPECT_EQ(read_error(bytes({0x03, 0x23, 0x00, 0x00}), PropertyContext::publish),
            Error::topic_alias_invalid);
}

TEST(Properties, FlagsAreZeroOrOne) {
  EXPECT_EQ(read_error(bytes({0x02, 0x01, 0x02}), PropertyContext::publish),
            Error::invalid_property_value);
  EXPECT_EQ(read_error(bytes({0x02, 0x24, 0x02}), PropertyContext::connack),
            Error::invalid_property_value);  // Maximum QoS 2 is said by leaving it out
}

TEST(Properties, AuthenticationDataNeedsAMethod) {
  EXPECT_EQ(read_error(bytes({0x04, 0x16, 0x00, 0x01, 'x'}), PropertyContext::connect),
            Error::invalid_property_value);
}

TEST(Properties, ResponseTopicMayNotHoldWildcards) {
  EXPECT_EQ(read_error(bytes({0x04, 0x08, 0x00, 0x01, '#'}), PropertyContext::publish),
            Error::invalid_topic_name);
}

TEST(Properties, LengthPastTheEndIsTruncated) {
  EXPECT_EQ(read_error(bytes({0x05, 0x23, 0x00}), PropertyContext::publish), Error::truncated);
  // The block ends inside a value.
  EXPECT_EQ(read_error(bytes({0x02, 0x23, 0x00, 0x01}), PropertyContext::publish),
            Error::truncated);
}

TEST(Properties, InvalidUtf8InAStringProperty) {
  EXPECT_EQ(read_error(bytes({0x05, 0x1f, 0x00, 0x02, 0xc0, 0x80}), PropertyContext::ack),
            Error::invalid_utf8);
}

TEST(Properties, WritingADisallowedPropertyFails) {
  Properties p;
  p.topic_alias = 3;
  test::Bytes out;
  ByteWriter w(out);
  write_properties(w, PropertyContext::connack, p);
  EXPECT_EQ(w.error(), Error::property_not_allowed);
}

TEST(Properties, ReasonAndPropertiesAreOmittedWhenDefault) {
  test::Bytes out;
  ByteWriter w(out);
  write_reason_and_properties(w, PropertyContext::ack, ReasonCode::success, {});
  EXPECT_TRUE(out.empty());
  write_reason_and_properties(w, PropertyContext::ack, ReasonCode::not_authorized, {});
  EXPECT_EQ(out, bytes({0x87}));
}

}  // namespace
}  // namespace popflow::mqtt
