#include "http/client_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth/acl.hpp"
#include "core/time.hpp"
#include "http/bearer.hpp"
#include "http/dispatch.hpp"
#include "http/query.hpp"
#include "http/responses.hpp"
#include "http/subscribe_request.hpp"

namespace popflow::http {
namespace {

namespace json = boost::json;

Response refused(RouteContext& context, const Problem& problem) {
  context.info.refusal = problem.code;
  return make_problem(context.request, problem);
}

Checked<auth::ClaimsPtr> client(RouteContext& context) {
  auto token = bearer_token(context.request);
  if (token.empty())
    return unauthorized("missing_key", "send the client token as Authorization: Bearer");
  auto claims =
      context.worker.authenticator().authenticate(token, auth::TokenKind::client_token, unix_now());
  if (!claims) {
    context.worker.state().metrics.count_auth_failure(claims.error());
    return auth::to_problem(claims.error(), "client token");
  }
  context.info.customer = (*claims)->customer;
  return *claims;
}

std::string query_value(std::string_view query, std::string_view name) {
  std::string storage;
  auto params = parse_lenient_query(query, storage);
  if (!params) return {};
  const boost::urls::encoding_opts plus_is_space(true);
  for (const auto& param : *params)
    if (param.key.decode(plus_is_space) == name) return param.value.decode(plus_is_space);
  return {};
}

Outcome get_workflows(RouteContext& context) {
  auto claims = client(context);
  if (!claims) return refused(context, claims.error());
  const auto& who = **claims;
  const auto catalog = context.worker.state().catalog.current();
  auto crm_id = query_value(context.query, "crmId");
  if (crm_id.empty() && who.agent) {
    const auto listed = catalog->instances_listing(who.customer, *who.agent);
    if (listed.size() == 1) crm_id = listed.front();
  }
  if (crm_id.empty())
    return refused(context, bad_request("missing_field",
                                        "add ?crmId=: the agent directory does not place this "
                                        "agent in exactly one instance",
                                        "crmId"));
  const auto* instance = catalog->instance(who.customer, crm_id);
  if (!instance)
    return refused(context,
                   {404, "no_instance", "this customer has no instance '" + crm_id + "'", "crmId"});
  std::optional<std::string> profile;
  std::string profile_source = "none";
  if (who.agent) {
    if (auto listed = catalog->profile_of(who.customer, crm_id, *who.agent)) {
      profile = std::string(*listed);
      profile_source = "directory";
    }
  }
  if (!profile) {
    if (auto asked = query_value(context.query, "profile"); !asked.empty()) {
      profile = std::move(asked);
      profile_source = "request";
    }
  }
  json::array workflows;
  for (const auto& workflow : catalog->published_for(who.customer, crm_id, profile)) {
    boost::system::error_code ec;
    workflows.push_back({{"event", workflow.event},
                         {"id", workflow.id},
                         {"name", workflow.name},
                         {"version", workflow.version},
                         {"ownProfile", workflow.own_profile},
                         {"definition", json::parse(workflow.definition, ec)}});
  }
  json::array others;
  for (auto& event : catalog->published_to_others(who.customer, crm_id, profile))
    others.emplace_back(std::move(event));
  json::object stale_after;
  for (const auto& limit : catalog->stale_after(who.customer, crm_id))
    stale_after[limit.event] = limit.seconds;
  const auto& supersede_by = instance->supersede_by;
  json::object body{
      {"customer", who.customer},
      {"crmId", crm_id},
      {"crmType", to_string(instance->crm_type)},
      {"urlTemplates",
       {{"record", instance->urls.record},
        {"newRecord", instance->urls.new_record},
        {"search", instance->urls.search}}},
      {"profile", profile ? json::value(*profile) : json::value()},
      {"profileFrom", profile_source},
      {"generation", catalog->generation()},
      {"workflows", std::move(workflows)},
      {"otherProfiles", std::move(others)},
      {"rules",
       {{"staleAfter", std::move(stale_after)},
        {"supersedeBy", supersede_by.empty() ? json::value() : json::value(supersede_by)}}}};
  if (who.agent) body["agentId"] = *who.agent;
  auto response = make_json(context.request, 200, json::serialize(body));
  response.set(boost::beast::http::field::etag,
               "\"" + std::to_string(catalog->generation()) + "\"");
  response.set(boost::beast::http::field::cache_control, "no-store");
  return response;
}

Outcome watch_workflows(RouteContext& context) {
  auto claims = client(context);
  if (!claims) return refused(context, claims.error());
  auto stream = admit_stream(**claims, context.worker);
  if (!stream) return refused(context, stream.error());
  if (context.request.method() == boost::beast::http::verb::head)
    return sse_head(context.request, context.worker.state().config.cors_origins);
  return SubscribeRequest{
      *claims, {auth::catalog_topic((*claims)->customer)}, std::move(*stream), {}, {}};
}

}  // namespace

void add_client_routes(RouteTable& routes) {
  using boost::beast::http::verb;
  const RouteOptions options{.metric = net::Route::subscribe, .cors = true};
  routes.add(verb::get, "/api/client/workflows", get_workflows, options);
  routes.add(verb::get, "/api/client/workflows/changes", watch_workflows, options);
}

}  // namespace popflow::http
