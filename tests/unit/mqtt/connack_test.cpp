#include "mqtt/connack.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(ConnackCodec, ByteExactAcceptance) {
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, Connack{}), bytes({0x20, 0x02, 0x00, 0x00}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, Connack{}), bytes({0x20, 0x03, 0x00, 0x00, 0x00}));
}

TEST(ConnackCodec, RoundTripV311MapsReturnCodes) {
  const Connack accepted{true, ReasonCode::success, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, accepted), accepted);
  const Connack refused{false, ReasonCode::bad_user_name_or_password, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, refused), bytes({0x20, 0x02, 0x00, 0x04}));
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, refused), refused);
}

TEST(ConnackCodec, RoundTripV5WithEveryProperty) {
  const Connack c{true, ReasonCode::success, test::connack_properties()};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, c), c);
  const Connack refused{false, ReasonCode::not_authorized, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, refused), refused);
}

TEST(ConnackCodec, ReservedAcknowledgeFlagsAreMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x20, 0x02, 0x02, 0x00})),
            Error::reserved_flags);
}

TEST(ConnackCodec, UnknownReturnCodeIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x20, 0x02, 0x00, 0x06})),
            Error::invalid_reason_code);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0x20, 0x03, 0x00, 0x8e, 0x00})),
            Error::invalid_reason_code);  // Session taken over is a DISCONNECT code
}

}  // namespace
}  // namespace popflow::mqtt
