#include "http/subscribe_request.hpp"

#include "auth/acl.hpp"
#include "http/bearer.hpp"
#include "http/query.hpp"
#include "topics/topic.hpp"

namespace popflow::http {

Checked<SubscribeRequest> parse_subscribe(const Request& request, std::string_view query,
                                          net::Worker& worker, std::int64_t now,
                                          RequestInfo& info) {
  std::string escaped;
  auto params = parse_lenient_query(query, escaped);
  if (!params)
    return bad_request("malformed_query", "the query string has a bad %-escape; encode '#' as %23");
  SubscribeRequest subscribe;
  std::string token(bearer_token(request));
  for (const auto& param : *params) {
    const auto name = param.key.decode();
    if (name == "token") {
      if (token.empty()) token = param.value.decode();
    } else if (name == "topic") {
      if (subscribe.filters.size() == kMaxSseFilters)
        return bad_request("invalid_field",
                           "at most " + std::to_string(kMaxSseFilters) + " topics per stream",
                           "topic");
      subscribe.filters.push_back(param.value.decode());
    }
  }
  auto claims = worker.authenticator().authenticate(token, auth::TokenKind::client_token, now);
  if (!claims) {
    worker.state().metrics.count_auth_failure(claims.error());
    return auth::to_problem(claims.error(), "client token");
  }
  info.customer = (*claims)->customer;
  if (subscribe.filters.empty())
    return bad_request(
        "missing_field",
        "add ?topic=FILTER, e.g. ?topic=CTI/" + (*claims)->customer + "/1001 (encode '#' as %23)",
        "topic");
  for (const auto& filter : subscribe.filters) {
    if (!is_valid_topic_filter(filter))
      return bad_request("invalid_field",
                         "'" + filter +
                             "' is not a valid MQTT topic filter ('+' and '#' must fill "
                             "a whole level, '#' only last)",
                         "topic");
    if (auto denial = auth::subscribe_denial(**claims, filter))
      return forbidden("topic_denied", *denial, "topic");
  }
  subscribe.claims = std::move(*claims);
  return subscribe;
}

}  // namespace popflow::http
