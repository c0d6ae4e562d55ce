#include "workflows/strict_json.hpp"

#include <gtest/gtest.h>

namespace popflow::workflows {
namespace {

TEST(StrictJson, ParsesAValidDocument) {
  auto v = parse_strict_json(R"({"a":[1,{"b":"x"}],"c":null})", "bad");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->at("a").at(1).at("b"), "x");
}

TEST(StrictJson, DuplicateKeyIsRefusedWithItsPath) {
  auto v = parse_strict_json(R"({"steps":{"pop":{"title":"a","title":"b"}}})", "bad");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "bad");
  EXPECT_EQ(v.error().field, "steps.pop.title");
  EXPECT_NE(v.error().message.find("appears twice"), std::string::npos) << v.error().message;
}

TEST(StrictJson, DuplicateKeyInsideAnArrayNamesTheIndex) {
  auto v = parse_strict_json(R"({"f":[{},{"x":1,"x":2}]})", "bad");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().field, "f[1].x");
}

TEST(StrictJson, EscapedSpellingOfTheSameKeyIsADuplicate) {
  EXPECT_FALSE(parse_strict_json(R"({"a":1,"\u0061":2})", "bad"));
}

TEST(StrictJson, SameKeyInDifferentObjectsIsFine) {
  EXPECT_TRUE(parse_strict_json(R"({"a":{"x":1},"b":{"x":2}})", "bad"));
}

TEST(StrictJson, MalformedJsonSaysWhere) {
  auto v = parse_strict_json(R"({"a":1,})", "bad");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().status, 400);
  EXPECT_NE(v.error().message.find("malformed at byte"), std::string::npos) << v.error().message;
  EXPECT_FALSE(parse_strict_json(R"({"a":1} x)", "bad"));
  EXPECT_FALSE(parse_strict_json("", "bad"));
  EXPECT_FALSE(parse_strict_json("{\"a\":\"\xff\"}", "bad"));
}

TEST(StrictJson, NestingBeyondTheLimitIsRefused) {
  auto v = parse_strict_json("[[[[1]]]]", "bad", 3);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("deeper than 3"), std::string::npos) << v.error().message;
}

}  // namespace
}  // namespace popflow::workflows
