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

TEST(JsonFields, ExactAndEscapedDuplicatesAreRefused) {
  for (auto body : {R"({"agentId": "1001", "agentId": "9999"})",
                    R"({"agentId": "1001", "\u0061gentId": "9999"})",
                    R"({"\u0041GENTID": 1, "agentId": {"x": 1}})"}) {
    auto problem = json_problem(body);
    EXPECT_EQ(problem.status, 400) << body;
    EXPECT_EQ(problem.code, "duplicate_field") << body;
    EXPECT_EQ(problem.field, "agentId") << body;
  }
  auto jwt = json_problem(R"({"jwt": "A", "agentId": "1", "jwt": "B"})");
  EXPECT_EQ(jwt.code, "duplicate_field");
  EXPECT_EQ(jwt.field, "jwt");
  EXPECT_EQ(jwt.message.find("\"A\""), std::string::npos);  // the key is not echoed
}

TEST(JsonFields, DuplicateKeysInNestedDataAreRefused) {
  for (auto body : {R"({"case": {"id": 1, "id": 2}})", R"({"case": {"id": 1, "\u0069d": 2}})",
                    R"({"case": [{"a": 1}, {"id": {}, "b": [], "id": null}]})",
                    R"({"case": {"x": {"y": {"id": 1, "id": 1}}}})"}) {
    auto problem = json_problem(body);
    EXPECT_EQ(problem.code, "duplicate_field") << body;
    EXPECT_EQ(problem.field, "case") << body;
    EXPECT_NE(problem.message.find("'id'"), std::string::npos) << problem.message;
  }
  // Case counts inside nested data (as in JSON), and sibling objects have keys of their own.
  auto fields = json_fields(R"({"case": {"id": 1, "ID": 2, "o": {"id": 3}, "p": [{"id": 4}]}})");
  EXPECT_EQ(fields.find("case")->literal, R"({"id":1,"ID":2,"o":{"id":3},"p":[{"id":4}]})");
}

TEST(JsonFields, NumbersKeepTheirLiteral) {
  auto fields = json_fields(
      R"({"inf": 1e999, "big": 18446744073709551617, "u": 18446744073709551615,
          "neg": -9223372036854775809, "dec": 12.50, "exp": 1.0E+2, "z": -0, "i": 555})");
  const std::pair<const char*, const char*> expected[] = {{"inf", "1e999"},
                                                          {"big", "18446744073709551617"},
                                                          {"u", "18446744073709551615"},
                                                          {"neg", "-9223372036854775809"},
                                                          {"dec", "12.50"},
                                                          {"exp", "1.0E+2"},
                                                          {"z", "-0"},
                                                          {"i", "555"}};
  for (const auto& [name, literal] : expected) {
    ASSERT_NE(fields.find(name), nullptr) << name;
    EXPECT_EQ(fields.find(name)->literal, literal) << name;
    EXPECT_TRUE(fields.find(name)->value.is_number()) << name;
  }
  EXPECT_EQ(fields.find("i")->value.as_int64(), 555);
  EXPECT_TRUE(fields.find("u")->value.is_uint64());
  // Strings, booleans and null are serialized from their value: no literal.
  auto scalars = json_fields(R"({"s": "1e999", "b": false, "n": null})");
  for (auto name : {"s", "b", "n"}) EXPECT_TRUE(scalars.find(name)->literal.empty()) << name;
}

TEST(JsonFields, NestedDataIsCompactValidJsonWithNumbersAsSent) {
  auto fields = json_fields(
      "{\"o\": {\"a\" : [ 1e999 , 18446744073709551617, {\"b\": 0.10,},],\n \"c\": {}, "
      "\"d\": [], \"k\\u00e9y\\\"\": \"q\\\"\\\\\\u0001\\n\\/\\u20ac\", \"t\": [true, false, "
      "null]},}");
  const auto* o = fields.find("o");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->value.is_object());
  EXPECT_EQ(o->literal,
            "{\"a\":[1e999,18446744073709551617,{\"b\":0.10}],\"c\":{},\"d\":[],"
            "\"k\xc3\xa9y\\\"\":\"q\\\"\\\\\\u0001\\n/\xe2\x82\xac\",\"t\":[true,false,null]}");
  auto list = json_fields(R"({"l": [[], [[1]], {"a": [2.5e-3]}]})");
  EXPECT_TRUE(list.find("l")->value.is_array());
  EXPECT_EQ(list.find("l")->literal, R"([[],[[1]],{"a":[2.5e-3]}])");
}

TEST(JsonFields, RefusesWhatIsNotAnObject) {
  for (auto body : {"[1]", "\"text\"", "{", "{\"a\":1}}", "", "{'a': 1}", "5", "null", "true",
                    "{\"a\":1} x", "{\"a\": 1e}", "{\"a\": 01}", "{\"a\": NaN}"}) {
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

}  // namespace
}  // namespace popflow::http
