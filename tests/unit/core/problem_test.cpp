#include "core/problem.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace popflow {
namespace {

boost::json::object parse(const std::string& text) {
  return boost::json::parse(text).as_object();
}

TEST(Problem, ToJsonHasStatusCodeMessageAndField) {
  const auto body = parse(bad_request("missing_field", "agentId is required", "agentId").to_json());
  EXPECT_EQ(body.size(), 4u);
  EXPECT_EQ(body.at("status"), "error");
  EXPECT_EQ(body.at("code"), "missing_field");
  EXPECT_EQ(body.at("message"), "agentId is required");
  EXPECT_EQ(body.at("field"), "agentId");
}

TEST(Problem, ToJsonOmitsEmptyField) {
  const auto body = parse(unauthorized("expired_key", "the API key has expired").to_json());
  EXPECT_EQ(body.size(), 3u);
  EXPECT_FALSE(body.contains("field"));
  EXPECT_EQ(body.at("status"), "error");
}

TEST(Problem, ToJsonEscapesText) {
  const auto body = parse(bad_request("bad", "quote \" backslash \\ newline \n", "a\"b").to_json());
  EXPECT_EQ(body.at("message"), "quote \" backslash \\ newline \n");
  EXPECT_EQ(body.at("field"), "a\"b");
}

TEST(Problem, HelpersSetHttpStatus) {
  EXPECT_EQ(bad_request("c", "m").status, 400);
  EXPECT_EQ(unauthorized("c", "m").status, 401);
  EXPECT_EQ(forbidden("c", "m", "crmId").status, 403);
  EXPECT_EQ(forbidden("c", "m", "crmId").field, "crmId");
  const auto big = too_large("body over 65536 bytes");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.code, "too_large");
}

TEST(Problem, CheckedCarriesValueOrProblem) {
  Checked<std::string> ok(std::string("CTI/acme/1001"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, "CTI/acme/1001");
  Checked<std::string> failed = bad_request("bad_field", "nope", "x");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().field, "x");
  EXPECT_THROW((void)failed.value(), std::runtime_error);
}

}  // namespace
}  // namespace popflow
