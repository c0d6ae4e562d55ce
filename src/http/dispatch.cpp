#include "http/dispatch.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "core/time.hpp"
#include "http/connect_api.hpp"
#include "http/responses.hpp"

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

Outcome operations(RouteContext& context) {
  const auto& request = context.request;
  const auto path = context.path;
  auto& state = context.worker.state();
  if (path == "/healthz") return make_json(request, 200, R"({"status":"ok"})");
  if (path == "/readyz") {
    if (!state.ready.load()) return make_json(request, 503, R"({"status":"shutting_down"})");
    // CONTRACT "Several nodes": ready only while the node reaches Redis (both connections)
    // and its store.
    if (state.backplane && !state.backplane->reachable())
      return make_json(request, 503, R"({"status":"backplane_unavailable"})");
    if (!state.store_reachable.load(std::memory_order_relaxed))
      return make_json(request, 503, R"({"status":"store_unavailable"})");
    return make_json(request, 200, R"({"status":"ready"})");
  }
  auto text =
      state.metrics.render() +
      state.broker.render_metrics(state.metrics.open_connections(net::ConnectionKind::mqtt));
  if (state.backplane) text += state.backplane->render_metrics();
  return make_text(request, 200, std::move(text), "text/plain; version=0.0.4");
}

Outcome subscribe(RouteContext& context) {
  const auto& request = context.request;
  auto& info = context.info;
  const auto& origins = context.worker.state().config.cors_origins;
  auto accepted = parse_subscribe(request, context.query, context.worker, unix_now(), info);
  if (!accepted) {
    info.refusal = accepted.error().code;
    return make_problem(request, accepted.error());
  }
  // HEAD checks the token and filters without subscribing: the head a stream would open
  // with, and the connection closes as the stream's would.
  if (request.method() == bhttp::verb::head) return sse_head(request, origins);
  return std::move(*accepted);
}

// fault_injection (tests only): show that a handler's exception costs one connection, not
// the loop (/__fault/throw inside this handler, /__fault/loop from a handler of its own),
// and that a loop that dies takes the process down loudly (/__fault/die).
struct LoopKiller {};  // not a std::exception: the loop cannot know what state it left

Outcome inject_fault(RouteContext& context) {
  const auto path = context.path;
  auto& worker = context.worker;
  if (path == "/__fault/throw") throw std::runtime_error("fault injected in a request handler");
  if (path == "/__fault/loop")
    boost::asio::post(worker.io(), [] { throw std::runtime_error("fault injected in the loop"); });
  else if (path == "/__fault/die")
    boost::asio::post(worker.io(), [] { throw LoopKiller{}; });
  return make_json(context.request, 202, R"({"status":"injected"})");
}

Outcome mqtt_page(RouteContext& context) {
  // Upgrades never reach dispatch (see http_session); this is a browser or curl visiting.
  context.info.refusal = "upgrade_required";
  auto response =
      make_problem(context.request,
                   {426, "upgrade_required",
                    "/mqtt is MQTT over WebSocket: connect with an MQTT client (subprotocol mqtt), "
                    "e.g. mqtt.connect('ws://host:port/mqtt') in mqtt.js",
                    ""});
  response.set(bhttp::field::upgrade, "websocket");
  return response;
}

template <triggers::Channel channel>
Outcome trigger(RouteContext& context) {
  auto answer =
      handle_trigger(context.request, context.query, channel, context.worker, context.info);
  if (auto* pending = std::get_if<PendingTrigger>(&answer)) return std::move(*pending);
  if (auto* deferred = std::get_if<Deferred>(&answer)) return std::move(*deferred);
  return std::move(std::get<Response>(answer));
}

}  // namespace

void add_connect_routes(RouteTable& routes, const Config& config) {
  using bhttp::verb;
  // HEAD must not have side effects (RFC 9110 9.2.1), and a GET here publishes a trigger:
  // refused like any other method, never published. The channel is in any case (the seed).
  for (auto [path, metric, handler] :
       {std::tuple{"/api/sendmessage/CTI", net::Route::cti, &trigger<triggers::Channel::cti>},
        std::tuple{"/api/sendmessage/CRM", net::Route::crm, &trigger<triggers::Channel::crm>}}) {
    const RouteOptions options{
        .metric = metric, .cors = true, .head_as_get = false, .any_case = true};
    routes.add(verb::get, path, handler, options);
    routes.add(verb::post, path, handler, options);
  }
  routes.add(verb::get, "/api/subscribe", subscribe,
             {.metric = net::Route::subscribe, .cors = true});
  routes.add(verb::get, "/healthz", operations, {.metric = net::Route::health});
  routes.add(verb::get, "/readyz", operations, {.metric = net::Route::health});
  routes.add(verb::get, "/metrics", operations, {.metric = net::Route::metrics});
  routes.add_any("/mqtt", mqtt_page, {.metric = net::Route::mqtt});
  if (config.fault_injection) routes.add_any("/__fault/{what}", inject_fault);
}

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
  return worker.state().routes->dispatch(request, path, query, worker, info);
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
