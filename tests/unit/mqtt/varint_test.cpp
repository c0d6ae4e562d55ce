#include "mqtt/varint.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;
using Status = VarintParse::Status;

TEST(Varint, DecodesSpecBoundaries) {
  // The table of MQTT 5.0 section 1.5.5.
  const struct {
    test::Bytes wire;
    std::uint32_t value;
  } cases[] = {
      {bytes({0x00}), 0},
      {bytes({0x7f}), 127},
      {bytes({0x80, 0x01}), 128},
      {bytes({0xff, 0x7f}), 16'383},
      {bytes({0x80, 0x80, 0x01}), 16'384},
      {bytes({0xff, 0xff, 0x7f}), 2'097'151},
      {bytes({0x80, 0x80, 0x80, 0x01}), 2'097'152},
      {bytes({0xff, 0xff, 0xff, 0x7f}), 268'435'455},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_varint(c.wire, true);
    EXPECT_EQ(parsed.status, Status::ok);
    EXPECT_EQ(parsed.value, c.value);
    EXPECT_EQ(parsed.length, c.wire.size());
    EXPECT_EQ(varint_size(c.value), c.wire.size());
    std::uint8_t out[4];
    ASSERT_EQ(encode_varint(c.value, out), c.wire.size());
    EXPECT_TRUE(std::equal(c.wire.begin(), c.wire.end(), out));
  }
}

TEST(Varint, FifthByteIsMalformed) {
  EXPECT_EQ(parse_varint(bytes({0xff, 0xff, 0xff, 0xff, 0x7f}), false).status, Status::malformed);
  EXPECT_EQ(parse_varint(bytes({0x80, 0x80, 0x80, 0x80}), false).status, Status::malformed);
}

TEST(Varint, ShortInputNeedsMore) {
  EXPECT_EQ(parse_varint({}, true).status, Status::need_more);
  EXPECT_EQ(parse_varint(bytes({0x80}), true).status, Status::need_more);
  EXPECT_EQ(parse_varint(bytes({0x80, 0x80, 0x80}), true).status, Status::need_more);
}

TEST(Varint, NonMinimalEncodingRefusedOnlyWhenRequired) {
  const auto padded_zero = bytes({0x80, 0x00});
  const auto padded_one = bytes({0x81, 0x80, 0x00});
  EXPECT_EQ(parse_varint(padded_zero, true).status, Status::malformed);
  EXPECT_EQ(parse_varint(padded_one, true).status, Status::malformed);
  const auto lenient = parse_varint(padded_one, false);
  EXPECT_EQ(lenient.status, Status::ok);
  EXPECT_EQ(lenient.value, 1u);
  EXPECT_EQ(lenient.length, 3u);
}

}  // namespace
}  // namespace popflow::mqtt
