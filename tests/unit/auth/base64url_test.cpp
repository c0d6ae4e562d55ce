#include "auth/base64url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace popflow::auth {
namespace {

using namespace std::string_literals;

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");  // "+/+/" in standard base64
  EXPECT_EQ(base64url_decode("-_-_"), "\xfb\xff\xbf");
}

TEST(Base64Url, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t len = 0; len <= all.size(); ++len) {
    const auto bytes = all.substr(all.size() - len);
    const auto text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(base64url_decode(text), bytes) << "length " << len;
  }
}

TEST(Base64Url, DecodesWhatItEncodesWithNuls) {
  const auto bytes = "\0\0a\0"s;
  EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
}

TEST(Base64Url, RefusesImpossibleLength) {
  EXPECT_EQ(base64url_decode("A"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
}

TEST(Base64Url, RefusesStandardAlphabetAndPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);
  EXPECT_EQ(base64url_decode("ab/d"), std::nullopt);
}

TEST(Base64Url, RefusesCharactersOutsideTheAlphabet) {
  for (const std::string& bad :
       {"Zm9v!A"s, "Zm9v.A"s, "Zm 9v"s, " Zm9v"s, "    Zm9v"s, "Zm9v\n"s, "Zm9v    "s, "Zm9v\r\n"s,
        "Zm\09v"s, "Zm9\xc3\xa9"s, "\t\t\t\t"s}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << testing::PrintToString(bad);
  }
}

}  // namespace
}  // namespace popflow::auth

namespace popflow::auth {
namespace {

TEST(Base64Url, RefusesNonZeroUnusedBitsSoEachValueHasOneText) {
  // "QQ" is the one encoding of "A"; "QR".."QZ" differ only in unused low bits.
  EXPECT_EQ(base64url_decode("QQ"), std::optional<std::string>("A"));
  EXPECT_FALSE(base64url_decode("QR"));
  EXPECT_EQ(base64url_decode("QUI"), std::optional<std::string>("AB"));
  EXPECT_FALSE(base64url_decode("QUJ"));
}

}  // namespace
}  // namespace popflow::auth
