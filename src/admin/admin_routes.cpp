#include "admin/admin_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "admin/handlers.hpp"
#include "admin/monitor_api.hpp"
#include "admin/session_api.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "http/bearer.hpp"
#include "http/json_body.hpp"
#include "http/query.hpp"
#include "http/responses.hpp"
#include "store/customer_store.hpp"

namespace popflow::admin {
namespace {

namespace bhttp = boost::beast::http;
using http::Outcome;
using http::RouteContext;

// A problem inside a write: thrown so Store::write() rolls the transaction back.
struct Rollback {
  Problem problem;
};

// What a job needs of its request, copied on the loop: the request itself stays with its
// session, which reads nothing further until answered, but a job must not depend on that.
struct AdminRequest {
  Caller caller;  // a user's role and customer are filled on the store thread
  bhttp::verb method;
  unsigned version = 11;
  bool keep_alive = true;
  http::RouteParams params;
  std::string body;
  std::string query;
  std::string if_match;
  net::Worker* worker = nullptr;
};

http::Request stub_of(const AdminRequest& request) {
  http::Request stub;
  stub.version(request.version);
  stub.keep_alive(request.keep_alive);
  return stub;
}

http::Response answer(const AdminRequest& request, const Checked<Reply>& reply) {
  const auto stub = stub_of(request);
  if (!reply) {
    auto response = http::make_problem(stub, reply.error());
    // 503: the store is unreachable now (below); the same request may succeed soon.
    if (reply.error().status == 503) response.set(bhttp::field::retry_after, "2");
    return response;
  }
  auto response = http::make_json(stub, reply->status, reply->body);
  if (!reply->etag.empty()) response.set(bhttp::field::etag, "\"" + reply->etag + "\"");
  for (const auto& [name, value] : reply->headers) response.set(name, value);
  response.set(bhttp::field::cache_control, "no-store");
  return response;
}

bool is_write(bhttp::verb method) {
  return method != bhttp::verb::get && method != bhttp::verb::head;
}

// Who calls, checked on the loop: an admin token, or a console session (with its CSRF
// token on writes). A session's user is only named here; the store thread looks it up.
Checked<Caller> authenticate(RouteContext& context, AdminService& service) {
  const auto& request = context.request;
  if (const auto token = http::bearer_token(request); !token.empty()) {
    auto claims = context.worker.authenticator().authenticate(token, auth::TokenKind::admin_token,
                                                              unix_now());
    if (!claims) {
      context.worker.state().metrics.count_auth_failure(claims.error());
      return auth::to_problem(claims.error(), "admin token");
    }
    return Caller{Caller::Kind::token, (*claims)->key_id, (*claims)->customer, store::Role::admin,
                  ""};
  }
  const auto session_id = session_cookie(request);
  if (session_id.empty())
    return unauthorized("not_signed_in",
                        "sign in with POST /api/admin/session, or send an admin token as "
                        "Authorization: Bearer");
  auto session = service.sessions().find(session_id, std::chrono::steady_clock::now());
  if (!session)
    return unauthorized("session_expired", "the console session has expired; sign in again");
  if (is_write(request.method()) &&
      !ConsoleSessions::csrf_matches(*session, request["X-CSRF-Token"]))
    return forbidden("csrf_mismatch",
                     "writes from a console session need the X-CSRF-Token header the sign-in "
                     "returned");
  return Caller{Caller::Kind::user, session->user, std::nullopt, store::Role::viewer,
                session->credential};
}

// The customer acted on: the caller's own, or for operators the ?customer= they name.
Checked<std::string> customer_of(const AdminCall& call, const Caller& caller) {
  const auto named = call.query_value("customer");
  if (caller.customer) {
    if (!named.empty() && named != *caller.customer)
      return forbidden("customer_denied",
                       "this caller may only act on customer '" + *caller.customer + "'",
                       "customer");
    return *caller.customer;
  }
  if (named.empty())
    return bad_request("missing_field", "operators name the customer they act on: add ?customer=ID",
                       "customer");
  if (!store::CustomerStore(call.service.db()).exists(named))
    return Problem{404, "unknown_customer", "no customer '" + named + "'", "customer"};
  return named;
}

Checked<Reply> run(AdminService& service, AdminRequest& request, Permission permission,
                   const AdminHandler& handler) {
  auto& store = service.store();
  auto& caller = request.caller;
  if (caller.kind == Caller::Kind::user) {
    std::optional<store::User> user;
    bool disabled = false;
    store.read([&](store::Repositories& repos) {
      user = repos.users.user(caller.name);
      disabled = user && user->customer_id && service.customer_disabled(*user->customer_id);
    });
    if (!user) {
      service.sessions().revoke_user(caller.name);
      return unauthorized("session_expired", "this console user no longer exists");
    }
    // The name was removed and added again since this session signed in: another user.
    if (ConsoleSessions::credential_of(user->password_hash) != caller.credential)
      return unauthorized("session_expired", "this console user was replaced; sign in again");
    if (disabled) {
      service.sessions().revoke_user(caller.name);
      return auth::to_problem(auth::AuthFailure::customer_disabled, "console session");
    }
    caller.customer = user->customer_id;
    caller.role = user->role;
  }
  boost::json::object body;
  if (!request.body.empty()) {
    auto parsed = http::json_object_body(request.body, service.config().max_body_bytes);
    if (!parsed) return parsed.error();
    body = std::move(*parsed);
  }
  std::string customer;
  std::optional<Checked<Reply>> reply;
  const auto work = [&](store::Repositories& repos) {
    AdminCall call{caller,
                   customer,
                   request.params,
                   body,
                   request.query,
                   request.if_match,
                   repos,
                   service,
                   *request.worker,
                   request.version,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count()};
    // Customers are what operators act on, not inside one.
    if (permission != Permission::operate) {
      auto acting_on = customer_of(call, caller);
      if (!acting_on) return void(reply = acting_on.error());
      customer = std::move(*acting_on);
    }
    if (auto refused = refusal(caller, permission)) return void(reply = *refused);
    reply = handler(call);
    if (is_write(request.method) && !*reply) throw Rollback{reply->error()};
  };
  try {
    if (is_write(request.method))
      store.write(work);
    else
      store.read(work);
  } catch (const Rollback& rollback) {
    return rollback.problem;
  }
  return std::move(*reply);
}

http::Handler guarded(AdminService& service, Permission permission, AdminHandler handler) {
  auto shared = std::make_shared<const AdminHandler>(std::move(handler));
  return [&service, permission, handler = std::move(shared)](RouteContext& context) -> Outcome {
    auto& info = context.info;
    auto caller = authenticate(context, service);
    if (!caller) {
      info.refusal = caller.error().code;
      return http::make_problem(context.request, caller.error());
    }
    info.customer = caller->customer.value_or("");
    const auto& request = context.request;
    auto job = std::make_shared<AdminRequest>(
        AdminRequest{std::move(*caller), request.method(), request.version(), request.keep_alive(),
                     std::move(context.params), request.body(), std::string(context.query), ""});
    auto if_match = request[bhttp::field::if_match];
    if (if_match.size() >= 2 && if_match.front() == '"' && if_match.back() == '"')
      if_match = if_match.substr(1, if_match.size() - 2);
    job->if_match = std::string(if_match);
    job->worker = &context.worker;
    return http::Deferred{[&service, permission, handler, job](http::Respond respond) {
      service.post([&service, permission, handler, job, respond = std::move(respond)] {
        Checked<Reply> reply = Problem{500, "internal_error", "", ""};
        try {
          reply = run(service, *job, permission, *handler);
        } catch (const store::StoreUnavailable& error) {
          // PostgreSQL down or unreachable: nothing was written (the transaction is gone).
          // Triggers with keys already known keep working; this request can be retried.
          log::error("admin request failed: the store is unreachable", {{"error", error.what()}});
          reply = Problem{503, "store_unavailable",
                          "the store cannot be reached now, so nothing was changed; retry in a "
                          "few seconds",
                          ""};
        } catch (const std::exception& error) {
          log::error("admin request failed", {{"error", error.what()}});
          reply = Problem{500, "store_error",
                          "the store failed to handle this request; retry it, and report the "
                          "X-Request-Id if it persists",
                          ""};
        }
        service.apply_changes();
        if (reply && reply->later) return reply->later(std::move(respond));
        respond(answer(*job, reply));
      });
    }};
  };
}

}  // namespace

std::string AdminCall::query_value(std::string_view name) const {
  std::string storage;
  auto params = http::parse_lenient_query(query, storage);
  if (!params) return {};
  const boost::urls::encoding_opts plus_is_space(/*space_as_plus=*/true);
  for (const auto& param : *params)
    if (param.key.decode(plus_is_space) == name) return param.value.decode(plus_is_space);
  return {};
}

Checked<std::optional<std::int64_t>> AdminCall::query_integer(std::string_view name) const {
  const auto text = query_value(name);
  if (text.empty()) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    return bad_request("invalid_field", std::string(name) + " must be a whole number",
                       std::string(name));
  return std::optional(value);
}

Checked<std::size_t> AdminCall::page_limit(std::size_t fallback, std::size_t max) const {
  auto limit = query_integer("limit");
  if (!limit) return limit.error();
  const auto value = limit->value_or(static_cast<std::int64_t>(fallback));
  if (value < 1 || static_cast<std::uint64_t>(value) > max)
    return bad_request("invalid_field",
                       "limit must be a whole number from 1 to " + std::to_string(max), "limit");
  return {boost::system::in_place_value, static_cast<std::size_t>(value)};
}

std::optional<Problem> AdminCall::stale(std::int64_t current, std::string_view what) const {
  std::optional<std::int64_t> expected;
  if (!if_match.empty()) {
    try {
      expected = std::stoll(std::string(if_match));
    } catch (const std::exception&) {
      return bad_request("invalid_field", "If-Match must be the ETag a GET returned", "If-Match");
    }
  } else if (const auto* revision = body.if_contains("revision");
             revision && revision->is_int64()) {
    expected = revision->get_int64();
  }
  if (!expected || *expected == current) return std::nullopt;
  return Problem{409, "edit_conflict",
                 "someone changed " + std::string(what) + " since revision " +
                     std::to_string(*expected) + " (it is at revision " + std::to_string(current) +
                     "); reload it and apply your change again",
                 "revision"};
}

void AdminCall::audit(std::string action, std::string target, std::string before,
                      std::string after) const {
  repos.audit.append({0, customer, now_ms, caller.actor(), std::move(action), std::move(target),
                      std::move(before), std::move(after)});
}

Reply json_reply(unsigned status, const boost::json::value& body, std::string etag) {
  return {status, boost::json::serialize(body), std::move(etag), {}, {}};
}

void add_admin_routes(http::RouteTable& routes, AdminService& service) {
  using bhttp::verb;
  using P = Permission;
  const http::RouteOptions admin{.metric = net::Route::admin};
  const auto add = [&](verb method, std::string_view pattern, P permission, AdminHandler handler) {
    routes.add(method, pattern, guarded(service, permission, std::move(handler)), admin);
  };
  add_session_routes(routes, service, admin);
  add_monitor_route(routes, service, admin);

  add(verb::get, "/api/admin/instances", P::read, list_instances);
  add(verb::post, "/api/admin/instances", P::configure, create_instance);
  add(verb::get, "/api/admin/instances/{crmId}", P::read, get_instance);
  add(verb::patch, "/api/admin/instances/{crmId}", P::configure, patch_instance);
  add(verb::delete_, "/api/admin/instances/{crmId}", P::configure, delete_instance);
  add(verb::get, "/api/admin/instances/{crmId}/profiles", P::read, list_profiles);
  add(verb::post, "/api/admin/instances/{crmId}/profiles", P::configure, add_profile);
  add(verb::delete_, "/api/admin/instances/{crmId}/profiles/{name}", P::configure, delete_profile);
  add(verb::get, "/api/admin/instances/{crmId}/agents", P::read, list_agents);
  add(verb::post, "/api/admin/instances/{crmId}/agents", P::configure, put_agent);
  add(verb::delete_, "/api/admin/instances/{crmId}/agents/{agentId}", P::configure, delete_agent);
  add(verb::get, "/api/admin/instances/{crmId}/events", P::read, list_events);
  add(verb::post, "/api/admin/instances/{crmId}/events", P::design, add_event);
  add(verb::patch, "/api/admin/instances/{crmId}/events/{name}", P::design, patch_event);
  add(verb::delete_, "/api/admin/instances/{crmId}/events/{name}", P::design, delete_event);
  add(verb::get, "/api/admin/instances/{crmId}/publications", P::read, list_publications);
  add(verb::get, "/api/admin/instances/{crmId}/workflows", P::read, list_workflows);
  add(verb::post, "/api/admin/instances/{crmId}/workflows", P::design, create_workflow);

  add(verb::post, "/api/admin/workflows/validate", P::read, validate_workflow);
  add(verb::get, "/api/admin/workflows/{id}", P::read, get_workflow);
  add(verb::put, "/api/admin/workflows/{id}", P::design, put_workflow);
  add(verb::delete_, "/api/admin/workflows/{id}", P::design, delete_workflow);
  add(verb::post, "/api/admin/workflows/{id}/versions", P::design, freeze_version);
  add(verb::post, "/api/admin/workflows/{id}/publish", P::design, publish_workflow);
  add(verb::delete_, "/api/admin/workflows/{id}/publish", P::design, unpublish_workflow);

  add(verb::get, "/api/admin/keys", P::manage_keys, list_keys);
  add(verb::post, "/api/admin/keys", P::manage_keys, create_key);
  add(verb::post, "/api/admin/keys/{id}/revoke", P::manage_keys, revoke_key);
  add(verb::post, "/api/admin/keys/{id}/rotate", P::manage_keys, rotate_key);
  add(verb::get, "/api/admin/keys/{id}/audit", P::manage_keys, key_audit);

  add(verb::get, "/api/admin/audit", P::read, list_audit);

  add(verb::get, "/api/admin/users", P::manage_users, list_users);
  add(verb::post, "/api/admin/users", P::manage_users, add_user);
  add(verb::patch, "/api/admin/users/{name}", P::manage_users, patch_user);
  add(verb::delete_, "/api/admin/users/{name}", P::manage_users, remove_user);

  add(verb::get, "/api/admin/customers", P::operate, list_customers);
  add(verb::post, "/api/admin/customers", P::operate, add_customer);
  add(verb::patch, "/api/admin/customers/{id}", P::operate, patch_customer);

  add(verb::get, "/api/admin/triggers", P::read, list_triggers);
  add(verb::get, "/api/admin/triggers/{id}", P::read, get_trigger);
  add(verb::post, "/api/admin/test-trigger", P::design, send_test_trigger);
  add(verb::get, "/api/admin/online", P::read, list_online);
  add(verb::get, "/api/admin/activity", P::read, get_activity);
}

}  // namespace popflow::admin
