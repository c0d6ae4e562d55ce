#include "http/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <string>

namespace popflow::http {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_escaped(out, text);
  return out;
}

// What Boost.JSON's serializer writes for `text`, without the quotes.
std::string boost_escaped(std::string_view text) {
  auto quoted = boost::json::serialize(boost::json::string(text));
  return quoted.substr(1, quoted.size() - 2);
}

// Every byte value at every position of a 17-byte text (so in each lane of the 8-byte fast
// path and in the tail): byte for byte what Boost.JSON writes. Bytes of 0x80 and up stand
// alone, which is not UTF-8, but neither escaper looks at them.
TEST(AppendEscaped, EveryByteInEveryPositionMatchesBoostJson) {
  for (std::size_t position = 0; position < 17; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string text(17, 'a');
      text[position] = static_cast<char>(byte);
      ASSERT_EQ(escaped(text), boost_escaped(text)) << "byte " << byte << " at " << position;
    }
  }
}

TEST(AppendEscaped, PlainTextAndUtf8PassAsTheyAre) {
  EXPECT_EQ(escaped(""), "");
  EXPECT_EQ(escaped("5551234567 On Ring / caf\xc3\xa9 \xe2\x82\xac"),
            "5551234567 On Ring / caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(escaped("a\"b\\c\n\x01\x1f"), "a\\\"b\\\\c\\n\\u0001\\u001f");
}

TEST(AppendEscaped, AppendsToABoostJsonString) {
  boost::json::string out("x");
  append_escaped(out, "\"y\"");
  EXPECT_EQ(out, "x\\\"y\\\"");
}

TEST(PlainWord, FlagsEachByteThatNeedsAnEscape) {
  for (int lane = 0; lane < 8; ++lane) {
    for (int byte = 0; byte < 256; ++byte) {
      std::uint64_t word = 0x6161616161616161ULL;  // "aaaaaaaa"
      word &= ~(0xffULL << (8 * lane));
      word |= static_cast<std::uint64_t>(byte) << (8 * lane);
      const bool plain = byte >= 0x20 && byte != '"' && byte != '\\';
      ASSERT_EQ(plain_word(word), plain) << "byte " << byte << " in lane " << lane;
    }
  }
}

}  // namespace
}  // namespace popflow::http
