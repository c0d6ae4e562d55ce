#include "mqtt/auth.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(AuthCodec, RoundTripV5WithEveryProperty) {
  Properties p;
  p.authentication_method = "SCRAM-SHA-1";
  p.authentication_data = std::string("\x01\x00", 2);
  p.reason_string = "continue";
  p.user_properties = test::user_properties();
  const Auth a{ReasonCode::continue_authentication, p};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, a), a);
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, Auth{}), bytes({0xf0, 0x00}));
}

TEST(AuthCodec, DoesNotExistInV311) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0xf0, 0x00})),
            Error::unknown_packet_type);
  std::vector<std::uint8_t> out;
  EXPECT_EQ(encode(ProtocolVersion::v311, Auth{}, out).error(), Error::not_in_protocol_version);
  EXPECT_TRUE(out.empty());
}

TEST(AuthCodec, InvalidReasonCode) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0xf0, 0x01, 0x87})),
            Error::invalid_reason_code);
}

}  // namespace
}  // namespace popflow::mqtt
