#include "http/query.hpp"

#include <gtest/gtest.h>

namespace popflow::http {
namespace {

TEST(LenientQuery, EscapesBytesRfc3986Forbids) {
  std::string storage;
  auto params = parse_lenient_query("a={x}&b=\"q\" r", storage);
  ASSERT_TRUE(params);
  EXPECT_EQ(storage, "a=%7Bx%7D&b=%22q%22%20r");
  auto it = params->begin();
  EXPECT_EQ((*it).value.decode(), "{x}");
  ++it;
  EXPECT_EQ((*it).value.decode(), "\"q\" r");
}

TEST(LenientQuery, KeepsValidEscapesAndRefusesBrokenOnes) {
  std::string storage;
  EXPECT_TRUE(parse_lenient_query("a=%2B%23", storage));
  EXPECT_EQ(storage, "a=%2B%23");
  EXPECT_FALSE(parse_lenient_query("a=%2", storage));
  EXPECT_FALSE(parse_lenient_query("a=%g1", storage));
}

}  // namespace
}  // namespace popflow::http
