#include "mqtt/byte_writer.hpp"

#include <gtest/gtest.h>

#include "mqtt/varint.hpp"
#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(ByteWriter, WritesBigEndianAndPrefixedStrings) {
  test::Bytes out;
  ByteWriter w(out);
  w.u8(0x01);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.string("MQTT");
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(out, bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x00, 0x04, 'M', 'Q', 'T', 'T'}));
}

TEST(ByteWriter, StringOver65535BytesFails) {
  test::Bytes out;
  ByteWriter w(out);
  w.string(std::string(65536, 'x'));
  EXPECT_EQ(w.error(), Error::string_too_long);
}

TEST(ByteWriter, LengthPlaceholderShrinksToTheShortestEncoding) {
  for (const std::size_t size : {0u, 127u, 128u, 16'383u, 16'384u}) {
    test::Bytes out = bytes({0xaa});
    ByteWriter w(out);
    const auto mark = w.begin_length();
    w.raw(std::string(size, 'z'));
    w.end_length(mark);
    ASSERT_TRUE(w.ok());
    ASSERT_EQ(out.size(), 1 + varint_size(static_cast<std::uint32_t>(size)) + size);
    const auto parsed = parse_varint(std::span(out).subspan(1), true);
    EXPECT_EQ(parsed.value, size);
    EXPECT_EQ(out.front(), 0xaa);
    EXPECT_EQ(out.back(), size ? 'z' : out.back());
  }
}

}  // namespace
}  // namespace popflow::mqtt
