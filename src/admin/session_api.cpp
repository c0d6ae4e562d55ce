#include "admin/session_api.hpp"

#include <boost/json/serialize.hpp>

#include "admin/password.hpp"
#include "auth/auth_failure.hpp"
#include "core/log.hpp"
#include "http/json_body.hpp"
#include "http/responses.hpp"

namespace popflow::admin {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

http::Request stub_of(const http::Request& request) {
  http::Request stub;
  stub.version(request.version());
  stub.keep_alive(request.keep_alive());
  return stub;
}

json::object caller_json(const store::User& user) {
  return {{"user", user.name},
          {"role", to_string(user.role)},
          {"customer", user.customer_id ? json::value(*user.customer_id) : json::value()},
          {"operator", !user.customer_id}};
}

std::string cookie(std::string_view value, std::chrono::seconds max_age) {
  return std::string(kSessionCookie) + "=" + std::string(value) +
         "; Path=/api/admin; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
}

// Runs on the store thread: the password hash costs ~50 ms of CPU and 64 MiB, and one
// thread doing them one at a time is also the bound on how many run at once.
http::Response sign_in(AdminService& service, const http::Request& stub, const std::string& name,
                       const std::string& password, const std::string& peer) {
  auto& throttle = service.throttle();
  std::optional<store::User> user;
  service.store().read([&](store::Repositories& repos) { user = repos.users.user(name); });
  const bool valid =
      user ? verify_password(user->password_hash, password) : (verify_dummy(password), false);
  if (!valid) {
    throttle.failed(name, peer, Clock::now());
    service.metrics().count_sign_in(net::Metrics::SignIn::refused);
    log::warn("console sign-in refused", {{"user", name}});
    return http::make_problem(
        stub, unauthorized("bad_credentials", "the user name or the password is wrong"));
  }
  throttle.succeeded(name, peer);
  // Said only to whoever knows the password: it tells nothing to a guesser.
  if (user->customer_id && service.customer_disabled(*user->customer_id)) {
    service.metrics().count_sign_in(net::Metrics::SignIn::refused);
    log::warn("console sign-in refused: customer disabled", {{"user", name}});
    return http::make_problem(
        stub, auth::to_problem(auth::AuthFailure::customer_disabled, "console user"));
  }
  service.metrics().count_sign_in(net::Metrics::SignIn::ok);
  service.store().write([&](store::Repositories& repos) {
    user->last_login_at = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    if (needs_rehash(user->password_hash)) user->password_hash = hash_password(password);
    repos.users.update_user(*user);
  });
  const auto issued = service.sessions().create(user->name, Clock::now(),
                                                ConsoleSessions::credential_of(user->password_hash),
                                                user->customer_id);
  log::info("console sign-in", {{"user", name}});
  auto body = caller_json(*user);
  body["csrfToken"] = issued.csrf_token;
  body["idleTimeoutSeconds"] = service.sessions().limits().idle.count();
  auto response = http::make_json(stub, 200, json::serialize(body));
  response.set(bhttp::field::set_cookie,
               cookie(issued.session_id, service.sessions().limits().absolute));
  response.set(bhttp::field::cache_control, "no-store");
  return response;
}

http::Outcome post_session(http::RouteContext& context, AdminService& service) {
  const auto& request = context.request;
  const auto refuse = [&](const Problem& problem) {
    context.info.refusal = problem.code;
    return http::make_problem(request, problem);
  };
  auto body = http::json_object_body(request.body(), 16 * 1024);
  if (!body) return refuse(body.error());
  auto user = http::string_member(*body, "user");
  if (!user) return refuse(user.error());
  auto password = http::string_member(*body, "password");
  if (!password) return refuse(password.error());
  const std::string peer(context.info.peer);
  if (auto wait = service.throttle().check(*user, peer, Clock::now())) {
    auto response =
        refuse({429, "sign_in_throttled",
                "too many failed sign-ins; retry in " + std::to_string(wait->count()) + " s", ""});
    response.set(bhttp::field::retry_after, std::to_string(wait->count()));
    service.metrics().count_sign_in(net::Metrics::SignIn::throttled);
    return response;
  }
  return http::Deferred{[&service, stub = stub_of(request), name = std::move(*user),
                         secret = std::move(*password), peer](http::Respond respond) mutable {
    service.post(
        [&service, stub = std::move(stub), name = std::move(name), secret = std::move(secret),
         peer = std::move(peer),
         respond = std::move(respond)] { respond(sign_in(service, stub, name, secret, peer)); });
  }};
}

http::Outcome get_session(http::RouteContext& context, AdminService& service) {
  const auto& request = context.request;
  auto session = service.sessions().find(session_cookie(request), Clock::now());
  if (!session) {
    context.info.refusal = "not_signed_in";
    return http::make_problem(request, unauthorized("not_signed_in", "no console session"));
  }
  // The CSRF token again, for a console page reloaded in the session: only a same-origin page
  // can read this answer, and only with the session's cookie (SameSite=Strict).
  return http::Deferred{[&service, stub = stub_of(request), name = session->user,
                         credential = session->credential,
                         csrf = session->csrf_token](http::Respond respond) mutable {
    service.post([&service, stub = std::move(stub), name = std::move(name),
                  credential = std::move(credential), csrf = std::move(csrf),
                  respond = std::move(respond)] {
      std::optional<store::User> user;
      service.store().read([&](store::Repositories& repos) { user = repos.users.user(name); });
      if (!user || ConsoleSessions::credential_of(user->password_hash) != credential)
        return respond(http::make_problem(
            stub, unauthorized("session_expired", "this console user no longer exists")));
      if (user->customer_id && service.customer_disabled(*user->customer_id)) {
        service.sessions().revoke_user(name);
        return respond(http::make_problem(
            stub, auth::to_problem(auth::AuthFailure::customer_disabled, "console session")));
      }
      auto body = caller_json(*user);
      body["csrfToken"] = csrf;
      body["idleTimeoutSeconds"] = service.sessions().limits().idle.count();
      auto response = http::make_json(stub, 200, json::serialize(body));
      response.set(bhttp::field::cache_control, "no-store");
      respond(std::move(response));
    });
  }};
}

http::Outcome delete_session(http::RouteContext& context, AdminService& service) {
  service.sessions().revoke(session_cookie(context.request));
  auto response = http::make_response(context.request, 204);
  response.set(bhttp::field::set_cookie, cookie("", std::chrono::seconds(0)));
  return response;
}

}  // namespace

std::string_view session_cookie(const http::Request& request) {
  std::string_view header = request[bhttp::field::cookie];
  while (!header.empty()) {
    const auto end = header.find(';');
    auto pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(kSessionCookie) && pair.size() > kSessionCookie.size() &&
        pair[kSessionCookie.size()] == '=')
      return pair.substr(kSessionCookie.size() + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

void add_session_routes(http::RouteTable& routes, AdminService& service,
                        const http::RouteOptions& options) {
  using bhttp::verb;
  routes.add(
      verb::post, "/api/admin/session",
      [&service](http::RouteContext& context) { return post_session(context, service); }, options);
  routes.add(
      verb::get, "/api/admin/session",
      [&service](http::RouteContext& context) { return get_session(context, service); }, options);
  routes.add(
      verb::delete_, "/api/admin/session",
      [&service](http::RouteContext& context) { return delete_session(context, service); },
      options);
}

}  // namespace popflow::admin
