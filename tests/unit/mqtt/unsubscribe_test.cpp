#include "mqtt/unsubscribe.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using namespace std::string_view_literals;
using test::wire;

TEST(UnsubscribeCodec, ByteExactV311) {
  const Unsubscribe u{2, {"test"}, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, u), wire("\xa2\x08\x00\x02\x00\x04test"sv));
}

TEST(UnsubscribeCodec, RoundTripBothVersions) {
  const Unsubscribe v311{9, {"CTI/acme/1001", "CTI/acme/+/1001"}, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, v311), v311);
  Properties p;
  p.user_properties = test::user_properties();
  const Unsubscribe v5{9, {"CRM/#", "$share/g/CTI/#"}, p};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, v5), v5);
}

TEST(UnsubscribeCodec, NoFiltersIsProtocolError) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, wire("\xa2\x03\x00\x01\x00"sv)),
            Error::no_topic_filters);
}

TEST(UnsubscribeCodec, InvalidFilterIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\xa2\x07\x00\x01\x00\x03\x61+b"sv)),
            Error::invalid_topic_filter);
}

TEST(UnsubscribeCodec, PacketIdZeroIsProtocolError) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, wire("\xa2\x05\x00\x00\x00\x01t"sv)),
            Error::invalid_packet_id);
}

TEST(UnsubscribeCodec, PropertyNotAllowed) {
  // A Subscription Identifier belongs on SUBSCRIBE, not UNSUBSCRIBE.
  EXPECT_EQ(
      test::decode_error(ProtocolVersion::v5, wire("\xa2\x08\x00\x01\x02\x0b\x01\x00\x01t"sv)),
      Error::property_not_allowed);
}

}  // namespace
}  // namespace popflow::mqtt
