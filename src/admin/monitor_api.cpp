#include "admin/monitor_api.hpp"

#include "admin/session_api.hpp"
#include "core/time.hpp"
#include "http/bearer.hpp"
#include "http/dispatch.hpp"
#include "http/query.hpp"
#include "http/responses.hpp"
#include "http/timeline.hpp"

namespace popflow::admin {
namespace {

using Clock = std::chrono::steady_clock;

std::string customer_query(std::string_view query) {
  std::string storage;
  auto params = http::parse_lenient_query(query, storage);
  if (!params) return {};
  const boost::urls::encoding_opts plus_is_space(true);
  for (const auto& param : *params)
    if (param.key.decode(plus_is_space) == "customer") return param.value.decode(plus_is_space);
  return {};
}

// A caller of one customer who names another in ?customer=: refused, as on every admin route.
std::optional<Problem> other_customer(std::string_view own, std::string_view query) {
  const auto named = customer_query(query);
  if (named.empty() || named == own) return std::nullopt;
  return forbidden("customer_denied",
                   "this caller may only watch customer '" + std::string(own) + "'", "customer");
}

http::Outcome monitor(http::RouteContext& context, AdminService& service) {
  const auto& request = context.request;
  auto& state = context.worker.state();
  const auto refuse = [&](const Problem& problem) {
    context.info.refusal = problem.code;
    return http::make_problem(request, problem);
  };
  http::SubscribeRequest subscribe;
  if (const auto token = http::bearer_token(request); !token.empty()) {
    auto claims = context.worker.authenticator().authenticate(token, auth::TokenKind::admin_token,
                                                              unix_now());
    if (!claims) return refuse(auth::to_problem(claims.error(), "admin token"));
    if (auto denied = other_customer((*claims)->customer, context.query)) return refuse(*denied);
    subscribe.claims = *claims;  // the stream re-checks it (revocation, expiry)
  } else {
    const std::string session_id(session_cookie(request));
    auto session = service.sessions().find(session_id, Clock::now());
    if (!session)
      return refuse(unauthorized("not_signed_in",
                                 "sign in with POST /api/admin/session, or send an admin token"));
    if (session->customer)
      if (auto denied = other_customer(*session->customer, context.query)) return refuse(*denied);
    auto customer = session->customer.value_or(customer_query(context.query));
    if (customer.empty())
      return refuse(bad_request(
          "missing_field", "operators name the customer they watch: add ?customer=ID", "customer"));
    auto claims = std::make_shared<auth::Claims>();
    claims->key_id = "session:" + session->user;  // its place in the per-stream quota
    claims->customer = std::move(customer);
    claims->kind = auth::TokenKind::admin_token;
    subscribe.claims = std::move(claims);
    subscribe.recheck = [&service, session_id]() -> std::optional<Problem> {
      if (service.sessions().alive(session_id, Clock::now())) return std::nullopt;
      return unauthorized("session_expired", "the console session has ended; sign in again");
    };
  }
  context.info.customer = subscribe.claims->customer;
  auto stream = http::admit_stream(*subscribe.claims, context.worker);
  if (!stream) return refuse(stream.error());
  if (request.method() == boost::beast::http::verb::head)
    return http::sse_head(request, state.config.cors_origins);
  subscribe.stream = std::move(*stream);
  subscribe.filters = {http::monitor_topic(subscribe.claims->customer)};
  // Counted while open: triggers publish monitor events only while someone watches.
  state.monitors.fetch_add(1, std::memory_order_relaxed);
  subscribe.hold = std::shared_ptr<void>(
      nullptr, [&state](void*) { state.monitors.fetch_sub(1, std::memory_order_relaxed); });
  return subscribe;
}

}  // namespace

void add_monitor_route(http::RouteTable& routes, AdminService& service,
                       const http::RouteOptions& options) {
  routes.add(
      boost::beast::http::verb::get, "/api/admin/monitor",
      [&service](http::RouteContext& context) { return monitor(context, service); }, options);
}

}  // namespace popflow::admin
