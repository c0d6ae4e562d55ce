#include "topics/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace popflow {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));                   // é, two bytes
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));                  // €, three bytes
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));              // 😀, four bytes
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));              // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));                  // U+D7FF, just below surrogates
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));  // NUL is valid UTF-8
}

TEST(Utf8, RefusesStrayAndTruncatedBytes) {
  EXPECT_FALSE(is_valid_utf8("\x80"));  // continuation without a lead
  EXPECT_FALSE(is_valid_utf8("\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));          // truncated two-byte
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));      // truncated three-byte
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));  // truncated four-byte
  EXPECT_FALSE(
      is_valid_utf8("ab\xc3"
                    "c"));  // lead followed by ASCII
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));  // five-byte form
}

TEST(Utf8, RefusesOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));  // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // '/' in four bytes
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));          // "modified UTF-8" NUL
}

TEST(Utf8, RefusesSurrogatesAndBeyondUnicode) {
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
}

}  // namespace
}  // namespace popflow
