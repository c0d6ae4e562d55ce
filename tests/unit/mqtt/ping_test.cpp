#include "mqtt/ping.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(PingCodec, ByteExactBothVersions) {
  for (const auto version : {ProtocolVersion::v311, ProtocolVersion::v5}) {
    EXPECT_EQ(test::encoded(version, Pingreq{}), bytes({0xc0, 0x00}));
    EXPECT_EQ(test::encoded(version, Pingresp{}), bytes({0xd0, 0x00}));
    EXPECT_EQ(test::round_trip(version, Pingreq{}), Pingreq{});
    EXPECT_EQ(test::round_trip(version, Pingresp{}), Pingresp{});
  }
}

TEST(PingCodec, BodyOrFlagsAreMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0xc0, 0x01, 0x00})),
            Error::trailing_bytes);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0xc1, 0x00})), Error::reserved_flags);
}

}  // namespace
}  // namespace popflow::mqtt
