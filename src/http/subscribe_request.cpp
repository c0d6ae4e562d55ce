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
  // A token may come in the header or the query, but not two different ones: which of them
  // the caller meant is a guess we refuse to make (a proxy or a script may add one).
  std::string token(bearer_token(request));
  const bool token_in_header = !token.empty();
  for (const auto& param : *params) {
    const auto name = param.key.decode();
    if (name == "token") {
      auto value = param.value.decode();
      if (token.empty()) {
        token = std::move(value);
      } else if (value != token) {
        return bad_request("ambiguous_token",
                           token_in_header
                               ? "the client token is given both as Authorization: Bearer and "
                                 "as ?token=, and they differ; send it once"
                               : "two different ?token= values; send the client token once",
                           "token");
      }
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
  auto stream = admit_stream(**claims, worker);
  if (!stream) return stream.error();
  subscribe.stream = std::move(*stream);
  subscribe.claims = std::move(*claims);
  return subscribe;
}

Checked<net::StreamQuota::Ticket> admit_stream(const auth::Claims& claims, net::Worker& worker) {
  const auto& config = worker.state().config;
  auto refused = net::StreamQuota::Limit::per_token;
  auto stream = worker.state().sse_streams.admit(
      claims.key_id, claims.customer, config.sse_max_streams_per_token,
      config.sse_max_streams_per_customer, refused, claims.agent.value_or(""));
  if (stream) return stream;
  worker.state().metrics.count_sse_refused(refused);
  const bool per_token = refused == net::StreamQuota::Limit::per_token;
  const auto limit =
      per_token ? config.sse_max_streams_per_token : config.sse_max_streams_per_customer;
  return Problem{429, "too_many_streams",
                 std::string(per_token ? "this client token" : "this customer") + " already has " +
                     std::to_string(limit) + " open SSE streams (" +
                     std::string(net::to_string(refused)) + "); close one before opening another",
                 ""};
}

}  // namespace popflow::http
