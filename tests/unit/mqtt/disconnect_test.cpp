#include "mqtt/disconnect.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(DisconnectCodec, ByteExact) {
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, Disconnect{}), bytes({0xe0, 0x00}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, Disconnect{}), bytes({0xe0, 0x00}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, Disconnect{ReasonCode::malformed_packet, {}}),
            bytes({0xe0, 0x01, 0x81}));
}

TEST(DisconnectCodec, RoundTripBothVersions) {
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, Disconnect{}), Disconnect{});
  Properties p;
  p.session_expiry_interval = 0;
  p.reason_string = "shutting down";
  p.server_reference = "other:1883";
  p.user_properties = test::user_properties();
  const Disconnect d{ReasonCode::server_shutting_down, p};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, d), d);
}

TEST(DisconnectCodec, V311BodyIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0xe0, 0x01, 0x00})),
            Error::trailing_bytes);
}

TEST(DisconnectCodec, InvalidReasonCode) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0xe0, 0x01, 0x84})),
            Error::invalid_reason_code);
}

}  // namespace
}  // namespace popflow::mqtt
