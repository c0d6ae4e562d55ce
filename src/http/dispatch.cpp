#include "http/dispatch.hpp"

#include <strings.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "core/time.hpp"
#include "http/connect_api.hpp"
#include "http/responses.hpp"

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kTriggerPrefix = "/api/sendmessage/";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Response method_not_allowed(const Request& request, std::string_view allow, RequestInfo& info) {
  info.refusal = "method_not_allowed";
  auto response = make_problem(request, {405, "method_not_allowed",
                                         "method " + std::string(request.method_string()) +
                                             " is not allowed here; use " + std::string(allow),
                                         ""});
  response.set(bhttp::field::allow, allow);
  return response;
}

Response not_found(const Request& request, std::string_view path, RequestInfo& info) {
  info.refusal = "not_found";
  std::string hint = "see the README for the endpoints";
  if (path.starts_with(kTriggerPrefix))
    hint = "the channel must be CTI or CRM: /api/sendmessage/CTI or /api/sendmessage/CRM";
  return make_problem(request, {404, "not_found", "no such endpoint; " + hint, ""});
}

Outcome operations(const Request& request, std::string_view path, net::Worker& worker,
                   RequestInfo& info) {
  auto& state = worker.state();
  info.route = path == "/metrics" ? net::Route::metrics : net::Route::health;
  // HEAD is answered as GET is; the session leaves the body out (see write_wire_bytes).
  if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head)
    return method_not_allowed(request, "GET, HEAD", info);
  if (path == "/healthz") return make_json(request, 200, R"({"status":"ok"})");
  if (path == "/readyz") {
    return state.ready.load() ? make_json(request, 200, R"({"status":"ready"})")
                              : make_json(request, 503, R"({"status":"shutting_down"})");
  }
  return make_text(
      request, 200,
      state.metrics.render() +
          state.broker.render_metrics(state.metrics.open_connections(net::ConnectionKind::mqtt)),
      "text/plain; version=0.0.4");
}

Outcome subscribe(const Request& request, std::string_view query, net::Worker& worker,
                  RequestInfo& info) {
  info.route = net::Route::subscribe;
  const auto& origins = worker.state().config.cors_origins;
  if (request.method() == bhttp::verb::options) return make_preflight(request, origins);
  const bool head = request.method() == bhttp::verb::head;
  if (request.method() != bhttp::verb::get && !head)
    return method_not_allowed(request, "GET, HEAD, OPTIONS", info);
  auto accepted = parse_subscribe(request, query, worker, unix_now(), info);
  if (!accepted) {
    info.refusal = accepted.error().code;
    auto response = make_problem(request, accepted.error());
    apply_cors(request, response, origins);
    return response;
  }
  // HEAD checks the token and filters without subscribing: the head a stream would open
  // with, and the connection closes as the stream's would.
  if (head) return sse_head(request, origins);
  return std::move(*accepted);
}

// fault_injection (tests only): show that a handler's exception costs one connection, not
// the loop (/__fault/throw inside this handler, /__fault/loop from a handler of its own),
// and that a loop that dies takes the process down loudly (/__fault/die).
struct LoopKiller {};  // not a std::exception: the loop cannot know what state it left

Outcome inject_fault(const Request& request, std::string_view path, net::Worker& worker,
                     RequestInfo& info) {
  if (path == "/__fault/throw") throw std::runtime_error("fault injected in a request handler");
  if (path == "/__fault/loop")
    boost::asio::post(worker.io(), [] { throw std::runtime_error("fault injected in the loop"); });
  else if (path == "/__fault/die")
    boost::asio::post(worker.io(), [] { throw LoopKiller{}; });
  else
    return not_found(request, path, info);
  return make_json(request, 202, R"({"status":"injected"})");
}

}  // namespace

Outcome dispatch(const Request& request, net::Worker& worker, RequestInfo& info) {
  const std::string_view target = request.target();
  if (!target.starts_with('/')) {
    info.refusal = "malformed_target";
    return make_problem(request, bad_request("malformed_target",
                                             "the request target must be a path like "
                                             "/api/sendmessage/CTI"));
  }
  // Split by hand: the query is parsed leniently later (see http/query.hpp).
  const auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  if (path == "/healthz" || path == "/readyz" || path == "/metrics")
    return operations(request, path, worker, info);
  if (path == "/api/subscribe") return subscribe(request, query, worker, info);
  if (path.starts_with("/__fault/") && worker.state().config.fault_injection)
    return inject_fault(request, path, worker, info);
  if (path == "/mqtt") {
    // Upgrades never reach dispatch (see http_session); this is a browser or curl visiting.
    info.route = net::Route::mqtt;
    info.refusal = "upgrade_required";
    auto response = make_problem(
        request, {426, "upgrade_required",
                  "/mqtt is MQTT over WebSocket: connect with an MQTT client (subprotocol mqtt), "
                  "e.g. mqtt.connect('ws://host:port/mqtt') in mqtt.js",
                  ""});
    response.set(bhttp::field::upgrade, "websocket");
    return response;
  }
  if (!path.starts_with(kTriggerPrefix)) return not_found(request, path, info);

  const auto channel_name = path.substr(kTriggerPrefix.size());
  Channel channel;
  if (iequals(channel_name, "CTI")) {
    channel = Channel::cti;
    info.route = net::Route::cti;
  } else if (iequals(channel_name, "CRM")) {
    channel = Channel::crm;
    info.route = net::Route::crm;
  } else {
    return not_found(request, path, info);
  }
  const auto& origins = worker.state().config.cors_origins;
  if (request.method() == bhttp::verb::options) return make_preflight(request, origins);
  // HEAD must not have side effects (RFC 9110 9.2.1), and a GET here publishes a trigger:
  // refused like any other method, never published.
  if (request.method() == bhttp::verb::head) {
    auto response = method_not_allowed(request, "GET, POST, OPTIONS", info);
    apply_cors(request, response, origins);
    return response;
  }
  auto answer = handle_trigger(request, query, channel, worker, info);
  if (auto* pending = std::get_if<PendingTrigger>(&answer)) {
    apply_cors(request, pending->accepted, origins);
    return std::move(*pending);
  }
  auto& response = std::get<Response>(answer);
  apply_cors(request, response, origins);
  return std::move(response);
}

Response sse_head(const Request& request, const std::vector<std::string>& cors_origins) {
  auto response = make_response(request, 200);
  response.version(11);
  response.set(bhttp::field::content_type, "text/event-stream");
  response.set(bhttp::field::cache_control, "no-cache");
  // No Content-Length and no chunking: the stream's body ends when the connection does,
  // which every EventSource and curl understand.
  response.keep_alive(false);
  response.set("X-Accel-Buffering", "no");
  response.set(bhttp::field::server, "popflow-connect");
  apply_cors(request, response, cors_origins);
  return response;
}

std::string sse_response_head(const Request& request, const Config& config,
                              std::string_view request_id) {
  auto response = sse_head(request, config.cors_origins);
  response.set("X-Request-Id", request_id);
  std::string head;
  write_wire_bytes(response, head);
  return head;
}

}  // namespace popflow::http
