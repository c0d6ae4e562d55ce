#include "http/json_body.hpp"

#include <gtest/gtest.h>

namespace popflow::http {
namespace {

boost::json::object object_of(std::string_view text) {
  auto parsed = json_object_body(text, 1024);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : boost::json::object{};
}

TEST(JsonBody, RefusesWhatIsNotOneObjectAndBodiesOverTheLimit) {
  EXPECT_EQ(json_object_body("{", 1024).error().code, "malformed_json");
  EXPECT_EQ(json_object_body("[1]", 1024).error().code, "malformed_json");
  const auto large = json_object_body(R"({"a":"0123456789"})", 8);
  EXPECT_EQ(large.error().status, 413);
}

TEST(JsonBody, MembersNameTheFieldAtFault) {
  const auto body = object_of(R"({"name": 7, "empty": "", "list": ["a", 1], "n": 1.5})");
  EXPECT_EQ(string_member(body, "name").error().field, "name");
  EXPECT_EQ(string_member(body, "name").error().code, "invalid_field");
  EXPECT_EQ(string_member(body, "empty").error().code, "missing_field");
  EXPECT_EQ(string_member(body, "absent").error().code, "missing_field");
  EXPECT_FALSE(optional_string_member(body, "absent")->has_value());
  EXPECT_EQ(optional_string_list(body, "list").error().field, "list");
  EXPECT_EQ(optional_integer_member(body, "n").error().field, "n");
}

TEST(JsonBody, UnknownMembersAreRefusedByName) {
  const auto body = object_of(R"({"crmId": "a", "crmtype": "zendesk"})");
  const auto refused = only_members(body, {"crmId", "crmType"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "unknown_field");
  EXPECT_EQ(refused.error().field, "crmtype");
  EXPECT_NE(refused.error().message.find("crmId, crmType"), std::string::npos);
  EXPECT_TRUE(only_members(object_of(R"({"crmId": "a"})"), {"crmId", "crmType"}));
}

}  // namespace
}  // namespace popflow::http
