#include "http/route_table.hpp"

#include <gtest/gtest.h>

namespace popflow::http {
namespace {

using boost::beast::http::verb;

Outcome nothing(RouteContext&) {
  return Response{};
}

RouteTable table() {
  RouteTable routes;
  routes.add(verb::get, "/api/sendmessage/CTI", nothing, {.any_case = true});
  routes.add(verb::get, "/api/admin/instances/{crmId}", nothing);
  routes.add(verb::get, "/api/admin/instances/{crmId}/events/{name}", nothing);
  routes.add(verb::get, "/api/admin/workflows/validate", nothing);
  routes.add(verb::get, "/api/admin/workflows/{id}", nothing);
  routes.add(verb::get, "/", nothing);
  return routes;
}

std::optional<std::string_view> match(const RouteTable& routes, std::string_view path,
                                      RouteParams& params) {
  return routes.match(path, params);
}

TEST(RouteTable, ParametersAreDecodedSegments) {
  const auto routes = table();
  RouteParams params;
  ASSERT_EQ(match(routes, "/api/admin/instances/acme.crm.example.com/events/On%20Ring", params),
            "/api/admin/instances/{crmId}/events/{name}");
  EXPECT_EQ(params["crmId"], "acme.crm.example.com");
  EXPECT_EQ(params["name"], "On Ring");
  EXPECT_EQ(params["missing"], "");
}

TEST(RouteTable, ASegmentNobodyCouldTypeNeverMatches) {
  const auto routes = table();
  RouteParams params;
  for (const char* path :
       {"/api/admin/instances/a%2Fb", "/api/admin/instances/%00", "/api/admin/instances/%zz",
        "/api/admin/instances/%4", "/api/admin/instances/", "/api/admin/instances//events/x"})
    EXPECT_FALSE(match(routes, path, params)) << path;
}

TEST(RouteTable, LiteralsWinInTheOrderAdded) {
  const auto routes = table();
  RouteParams params;
  EXPECT_EQ(match(routes, "/api/admin/workflows/validate", params),
            "/api/admin/workflows/validate");
  EXPECT_EQ(match(routes, "/api/admin/workflows/wf_1", params), "/api/admin/workflows/{id}");
  EXPECT_EQ(params["id"], "wf_1");
}

TEST(RouteTable, AnyCaseRoutesMatchInAnyCaseAndOthersExactly) {
  const auto routes = table();
  RouteParams params;
  EXPECT_TRUE(match(routes, "/api/sendmessage/cti", params));
  EXPECT_TRUE(match(routes, "/API/SendMessage/Cti", params));
  EXPECT_FALSE(match(routes, "/api/Admin/workflows/validate", params) ==
               std::optional<std::string_view>("/api/admin/workflows/validate"));
}

TEST(RouteTable, SegmentCountMustAgree) {
  const auto routes = table();
  RouteParams params;
  EXPECT_FALSE(match(routes, "/api/admin/instances/a/events", params));
  EXPECT_FALSE(match(routes, "/api/admin/instances/a/events/b/c", params));
  EXPECT_FALSE(match(routes, "/a/b/c/d/e/f/g/h/i/j", params));
  EXPECT_EQ(match(routes, "/", params), "/");
}

TEST(RouteTable, AddingARouteTwiceOrAMalformedPatternIsAStartUpError) {
  RouteTable routes;
  routes.add(verb::get, "/a/{b}", nothing);
  EXPECT_THROW(routes.add(verb::get, "/a/{b}", nothing), std::logic_error);
  EXPECT_NO_THROW(routes.add(verb::post, "/a/{b}", nothing));
  EXPECT_THROW(routes.add(verb::get, "no-slash", nothing), std::logic_error);
  EXPECT_THROW(routes.add(verb::get, "/a//b", nothing), std::logic_error);
}

}  // namespace
}  // namespace popflow::http
