#include "mqtt/unsuback.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(UnsubackCodec, V311HasNoPayload) {
  const Unsuback u{5, {ReasonCode::success}, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, u), bytes({0xb0, 0x02, 0x00, 0x05}));
  const Unsuback plain{5, {}, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, plain), plain);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0xb0, 0x03, 0x00, 0x05, 0x00})),
            Error::trailing_bytes);
}

TEST(UnsubackCodec, RoundTripV5) {
  const Unsuback u{
      5, {ReasonCode::success, ReasonCode::no_subscription_existed}, test::reason_properties()};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, u), u);
}

TEST(UnsubackCodec, InvalidReasonCode) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0xb0, 0x04, 0x00, 0x05, 0x00, 0x01})),
            Error::invalid_reason_code);
}

}  // namespace
}  // namespace popflow::mqtt
