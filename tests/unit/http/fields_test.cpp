#include "http/fields.hpp"

#include <gtest/gtest.h>

namespace popflow::http {
namespace {

const FieldLimits kLimits{};

FieldSet json_fields(std::string_view body) {
  FieldSet fields;
  auto added = add_json_fields(body, kLimits, fields);
  EXPECT_TRUE(added) << (added ? "" : added.error().message);
  return fields;
}

Problem json_problem(std::string_view body, const FieldLimits& limits = kLimits) {
  FieldSet fields;
  auto added = add_json_fields(body, limits, fields);
  EXPECT_FALSE(added);
  return added ? Problem{} : added.error();
}

TEST(JsonFields, AcceptsTheSeedsTrailingComma) {
  auto fields = json_fields(R"({"agentid": "a", "event": "e",})");
  ASSERT_NE(fields.find("agentId"), nullptr);
  EXPECT_EQ(fields.find("AGENTID")->value.as_string(), "a");
  EXPECT_EQ(fields.find("agentId")->name, "agentid");  // the name as sent
}

TEST(JsonFields, KeepsJsonTypes) {
  auto fields = json_fields(R"({"n": 5, "b": true, "o": {"x": [1]}, "z": null})");
  EXPECT_TRUE(fields.find("n")->value.is_int64());
  EXPECT_TRUE(fields.find("b")->value.is_bool());
  EXPECT_TRUE(fields.find("o")->value.is_object());
  EXPECT_TRUE(fields.find("z")->value.is_null());
}

TEST(JsonFields, SameNameInDifferentCaseIsADuplicate) {
  auto problem = json_problem(R"({"agentId": "1", "AGENTID": "2"})");
  EXPECT_EQ(problem.status, 400);
  EXPECT_EQ(problem.code, "duplicate_field");
  EXPECT_EQ(problem.field, "AGENTID");
}

TEST(JsonFields, RefusesWhatIsNotAnObject) {
  for (auto body : {"[1]", "\"text\"", "{", "{\"a\":1}}", "", "{'a': 1}"}) {
    auto problem = json_problem(body);
    EXPECT_EQ(problem.code, "malformed_body") << body;
    EXPECT_EQ(problem.status, 400) << body;
  }
}

TEST(JsonFields, RefusesInvalidUtf8) {
  EXPECT_EQ(json_problem("{\"a\": \"\xff\"}").code, "malformed_body");
}

TEST(JsonFields, EnforcesDepthFieldCountAndValueSize) {
  FieldLimits limits{.max_fields = 2, .max_depth = 2, .max_value_bytes = 4};
  EXPECT_EQ(json_problem(R"({"a": {"b": {"c": 1}}})", limits).code, "malformed_body");
  EXPECT_EQ(json_problem(R"({"a": 1, "b": 2, "c": 3})", limits).status, 413);
  auto big = json_problem(R"({"a": "12345"})", limits);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.field, "a");
  FieldSet ok;
  EXPECT_TRUE(add_json_fields(R"({"a": "1234", "jwt": "longer than four"})", limits, ok));
}

TEST(FormFields, DecodesPlusAndPercent) {
  FieldSet fields;
  ASSERT_TRUE(add_form_fields("event=On+Ring&ani=555%201234&empty=&flag", kLimits, fields));
  EXPECT_EQ(fields.find("event")->value.as_string(), "On Ring");
  EXPECT_EQ(fields.find("ani")->value.as_string(), "555 1234");
  EXPECT_EQ(fields.find("empty")->value.as_string(), "");
  EXPECT_EQ(fields.find("flag")->value.as_string(), "");
}

TEST(FormFields, TakesUnescapedPlaceholdersLiterally) {
  FieldSet fields;
  ASSERT_TRUE(add_form_fields("agentid={insert_agentId}&x=a|b", kLimits, fields));
  EXPECT_EQ(fields.find("agentId")->value.as_string(), "{insert_agentId}");
  EXPECT_EQ(fields.find("x")->value.as_string(), "a|b");
}

TEST(FormFields, RefusesBrokenEscapesAndInvalidUtf8) {
  FieldSet fields;
  auto broken = add_form_fields("a=%zz", kLimits, fields);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "malformed_body");
  auto invalid = add_form_fields("a=%ff", kLimits, fields);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, "invalid_field");
}

TEST(FieldSet, TakeRemovesCaseInsensitively) {
  FieldSet fields;
  ASSERT_TRUE(fields.add("JWT", "k", kLimits));
  EXPECT_EQ(fields.take("jwt").as_string(), "k");
  EXPECT_EQ(fields.find("jwt"), nullptr);
  EXPECT_TRUE(fields.take("jwt").is_null());
}

}  // namespace
}  // namespace popflow::http
