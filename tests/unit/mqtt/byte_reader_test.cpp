#include "mqtt/byte_reader.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(ByteReader, ReadsBigEndianIntegers) {
  const auto wire = bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07});
  ByteReader r(wire);
  EXPECT_EQ(r.u8(), 0x01);
  EXPECT_EQ(r.u16(), 0x0203);
  EXPECT_EQ(r.u32(), 0x04050607u);
  EXPECT_FALSE(r.finish());
}

TEST(ByteReader, FirstErrorSticksAndReadsReturnZero) {
  const auto wire = bytes({0x00, 0x05, 'a', 'b'});
  ByteReader r(wire);
  EXPECT_EQ(r.utf8(), "");
  EXPECT_EQ(r.error(), Error::truncated);
  r.fail(Error::invalid_qos);
  EXPECT_EQ(r.u16(), 0);
  EXPECT_EQ(r.error(), Error::truncated);
}

TEST(ByteReader, Utf8StringAcceptsMultibyte) {
  const auto wire = bytes({0x00, 0x06, 'a', 0xc3, 0xa9, 0xe2, 0x82, 0xac});
  ByteReader r(wire);
  EXPECT_EQ(r.utf8(), "a\xc3\xa9\xe2\x82\xac");
  EXPECT_FALSE(r.finish());
}

TEST(ByteReader, Utf8StringRefusesNulSurrogatesAndOverlongForms) {
  const test::Bytes bad[] = {
      bytes({0x00, 0x03, 'a', 0x00, 'b'}),          // U+0000 [MQTT-1.5.4-2]
      bytes({0x00, 0x03, 0xed, 0xa0, 0x80}),        // U+D800, a surrogate [MQTT-1.5.4-1]
      bytes({0x00, 0x02, 0xc0, 0x80}),              // overlong NUL
      bytes({0x00, 0x01, 0xff}),                    // never valid
      bytes({0x00, 0x02, 0xc3, 0x28}),              // bad continuation byte
      bytes({0x00, 0x04, 0xf4, 0x90, 0x80, 0x80}),  // above U+10FFFF
  };
  for (const auto& wire : bad) {
    ByteReader r(wire);
    r.utf8();
    EXPECT_EQ(r.error(), Error::invalid_utf8);
  }
}

TEST(ByteReader, BinaryKeepsAnyBytes) {
  const auto wire = bytes({0x00, 0x03, 0x00, 0xff, 0xed});
  ByteReader r(wire);
  EXPECT_EQ(r.binary(), std::string("\x00\xff\xed", 3));
  EXPECT_TRUE(r.ok());
}

TEST(ByteReader, FinishReportsTrailingBytes) {
  const auto wire = bytes({0x00, 0x01, 0x02});
  ByteReader r(wire);
  r.u16();
  EXPECT_EQ(r.finish(), Error::trailing_bytes);
}

TEST(ByteReader, SubReaderIsBoundedAndInheritsErrors) {
  const auto wire = bytes({0x01, 0x02, 0x03});
  ByteReader r(wire);
  ByteReader block = r.sub(2);
  EXPECT_EQ(block.u16(), 0x0102);
  EXPECT_EQ(block.u8(), 0);
  EXPECT_EQ(block.error(), Error::truncated);
  EXPECT_EQ(r.u8(), 0x03);

  ByteReader short_reader(wire);
  EXPECT_EQ(short_reader.sub(4).error(), Error::truncated);
}

TEST(ByteReader, VarintMustBeMinimal) {
  const auto wire = bytes({0x80, 0x00});
  ByteReader r(wire);
  r.varint();
  EXPECT_EQ(r.error(), Error::malformed_varint);
}

}  // namespace
}  // namespace popflow::mqtt
