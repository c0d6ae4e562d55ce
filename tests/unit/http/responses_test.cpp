#include "http/responses.hpp"

#include <gtest/gtest.h>

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

Request get_request() {
  Request request;
  request.version(11);
  request.method(bhttp::verb::get);
  request.set(bhttp::field::origin, "https://crm.example.com");
  return request;
}

TEST(WireBytes, AnswerToHeadKeepsContentLengthAndDropsTheBody) {
  const auto response = make_json(get_request(), 200, R"({"status":"ok"})");
  std::string with_body;
  std::string head_only;
  write_wire_bytes(response, with_body);
  write_wire_bytes(response, head_only, false);
  EXPECT_TRUE(with_body.ends_with("\r\n\r\n{\"status\":\"ok\"}"));
  EXPECT_TRUE(head_only.ends_with("\r\n\r\n"));
  EXPECT_NE(head_only.find("Content-Length: 15\r\n"), std::string::npos);
  EXPECT_EQ(with_body, head_only + R"({"status":"ok"})");
}

TEST(Cors, PreflightAllowsTheHeadersACrmPageSends) {
  const auto preflight = make_preflight(get_request(), {"*"});
  EXPECT_EQ(preflight.result_int(), 204u);
  EXPECT_EQ(preflight[bhttp::field::access_control_allow_headers],
            "Content-Type, Authorization, Idempotency-Key, Popflow-Wait, X-CSRF-Token");
}

TEST(Cors, AnswersExposeHeadersOnlyToAllowedOrigins) {
  auto allowed = make_json(get_request(), 200, "{}");
  apply_cors(get_request(), allowed, {"https://crm.example.com"});
  EXPECT_EQ(allowed[bhttp::field::access_control_allow_origin], "https://crm.example.com");
  EXPECT_EQ(allowed[bhttp::field::access_control_expose_headers],
            "Idempotent-Replayed, X-Request-Id, Retry-After");

  auto other = make_json(get_request(), 200, "{}");
  apply_cors(get_request(), other, {"https://other.example.com"});
  EXPECT_EQ(other.count(bhttp::field::access_control_allow_origin), 0u);
  EXPECT_EQ(other.count(bhttp::field::access_control_expose_headers), 0u);
  EXPECT_EQ(other[bhttp::field::vary], "Origin");
}

}  // namespace
}  // namespace popflow::http
