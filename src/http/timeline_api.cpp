#include "http/timeline_api.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "core/time.hpp"
#include "http/bearer.hpp"
#include "http/json_body.hpp"
#include "http/responses.hpp"
#include "http/timeline.hpp"

namespace popflow::http {
namespace {

namespace json = boost::json;

constexpr std::string_view kOutcomes[] = {
    "executed", "failed", "no_publication", "profile_mismatch", "duplicate", "stale", "superseded"};

Response refused(RouteContext& context, const Problem& problem) {
  context.info.refusal = problem.code;
  return make_problem(context.request, problem);
}

// The caller's claims when the token is of one of `kinds`; the first kind names the
// credential in the refusal.
Checked<auth::ClaimsPtr> caller(RouteContext& context, std::initializer_list<auth::TokenKind> kinds,
                                std::string_view credential) {
  const auto token = bearer_token(context.request);
  if (token.empty())
    return unauthorized("missing_key",
                        "send the " + std::string(credential) + " as Authorization: Bearer");
  std::optional<auth::AuthFailure> failure;
  for (const auto kind : kinds) {
    auto claims = context.worker.authenticator().authenticate(token, kind, unix_now());
    if (claims) return *claims;
    if (!failure || *failure == auth::AuthFailure::wrong_kind) failure = claims.error();
  }
  context.worker.state().metrics.count_auth_failure(*failure);
  return auth::to_problem(*failure, credential);
}

Outcome get_timeline(RouteContext& context) {
  auto claims =
      caller(context, {auth::TokenKind::api_key, auth::TokenKind::admin_token}, "API key");
  if (!claims) return refused(context, claims.error());
  context.info.customer = (*claims)->customer;
  const auto record =
      context.worker.state().history.find(context.params["id"], (*claims)->customer);
  if (!record)
    return refused(context, {404, "not_found",
                             "no trigger '" + std::string(context.params["id"]) +
                                 "' in this customer's history (kept for trigger_history)",
                             ""});
  return make_json(context.request, 200, json::serialize(timeline_json(*record)));
}

// The run as reported, checked: what the timeline and Popflow-Wait will show.
Checked<history::Run> read_run(const Request& request) {
  auto body = json_object_body(request.body(), kMaxRunBytes);
  if (!body) return body.error();
  if (auto known = only_members(
          *body, {"outcome", "workflow", "version", "steps", "durationMs", "error", "client"});
      !known)
    return known.error();
  auto outcome = string_member(*body, "outcome");
  if (!outcome) return outcome.error();
  if (std::ranges::find(kOutcomes, *outcome) == std::end(kOutcomes))
    return bad_request("invalid_field",
                       "field 'outcome' must be one of executed, failed, no_publication, "
                       "profile_mismatch, duplicate, stale, superseded",
                       "outcome");
  if (auto workflow = optional_string_member(*body, "workflow"); !workflow) return workflow.error();
  if (auto version = optional_integer_member(*body, "version"); !version) return version.error();
  if (const auto* steps = body->if_contains("steps")) {
    if (!steps->is_array())
      return bad_request("invalid_field", "field 'steps' must be a list", "steps");
    if (steps->get_array().size() > kMaxRunSteps)
      return bad_request("invalid_field",
                         "field 'steps' lists more than " + std::to_string(kMaxRunSteps) + " steps",
                         "steps");
  }
  return history::Run{*outcome, json::serialize(*body), "", 0};
}

Outcome post_run(RouteContext& context) {
  auto claims = caller(context, {auth::TokenKind::client_token}, "client token");
  if (!claims) return refused(context, claims.error());
  const auto& who = **claims;
  context.info.customer = who.customer;
  auto& history = context.worker.state().history;
  const auto id = context.params["id"];
  const auto record = history.find(id, who.customer);
  const Problem unknown{404, "not_found",
                        "no trigger '" + std::string(id) + "' in this customer's history", ""};
  if (!record) return refused(context, unknown);
  context.info.agent = record->agent_id;
  if (who.agent && *who.agent != record->agent_id)
    return refused(context, forbidden("agent_denied",
                                      "this client token is agent " + *who.agent +
                                          "'s; it may report runs of that agent's triggers only"));
  auto run = read_run(context.request);
  if (!run) return refused(context, run.error());
  run->reporter = who.key_id;
  run->reported_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const auto outcome = run->outcome;
  // The monitor's event goes out only for a run the timeline keeps (below).
  auto event = context.worker.state().monitors.load(std::memory_order_relaxed) != 0
                   ? std::optional(boost::json::object{{"type", "run"},
                                                       {"id", id},
                                                       {"agentId", record->agent_id},
                                                       {"event", record->event},
                                                       {"outcome", run->outcome},
                                                       {"run", run_json(*run)}})
                   : std::nullopt;
  switch (history.add_run(id, who.customer, std::move(*run))) {
    case history::TriggerHistory::RunAdded::added:
      context.worker.state().metrics.count_run(outcome);  // only runs a timeline kept
      if (event) publish_monitor_event(context.worker.state(), who.customer, *event);
      break;
    case history::TriggerHistory::RunAdded::unknown:
      return refused(context, unknown);
    case history::TriggerHistory::RunAdded::full:
      return refused(
          context, {409, "too_many_runs", "this trigger has as many runs as a timeline keeps", ""});
  }
  return make_json(context.request, 201, R"({"status":"ok"})");
}

}  // namespace

void add_timeline_routes(RouteTable& routes) {
  using boost::beast::http::verb;
  const RouteOptions options{.metric = net::Route::timeline, .cors = true};
  routes.add(verb::get, "/api/triggers/{id}", get_timeline, options);
  routes.add(verb::post, "/api/triggers/{id}/runs", post_run, options);
}

}  // namespace popflow::http
