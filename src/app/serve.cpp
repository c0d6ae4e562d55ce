#include "app/serve.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>
#include <unordered_map>

#include "admin/admin_routes.hpp"
#include "admin/catalog_loader.hpp"
#include "app/admin.hpp"
#include "app/data_dir_lock.hpp"
#include "app/key_refresher.hpp"
#include "app/saved_timelines.hpp"
#include "auth/acl.hpp"
#include "cluster/redis_backplane.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "http/client_api.hpp"
#include "http/dispatch.hpp"
#include "http/http_session.hpp"
#include "http/timeline_api.hpp"
#include "http/web_pages.hpp"
#include "net/mqtt_connection.hpp"
#include "net/server.hpp"
#include "net/tls_accept.hpp"
#include "net/tls_context.hpp"

namespace popflow::app {
namespace {

namespace asio = boost::asio;

// "0.0.0.0:8080", "127.0.0.1:0", "[::]:8080", "localhost:8080", ":8080".
asio::ip::tcp::endpoint parse_endpoint(asio::io_context& io, const std::string& setting,
                                       const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error(setting + ": '" + text + "' is not ADDR:PORT");
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, asio::ip::tcp::resolver::passive, ec);
  if (ec || results.empty())
    throw std::runtime_error(setting + ": cannot resolve '" + text + "': " + ec.message());
  return results.begin()->endpoint();
}

std::string to_text(const asio::ip::tcp::endpoint& endpoint) {
  const auto address = endpoint.address().to_string();
  const auto host = endpoint.address().is_v6() ? "[" + address + "]" : address;
  return host + ":" + std::to_string(endpoint.port());
}

// Polls until every worker has drained, or the shutdown deadline cuts them off.
void await_drain(asio::steady_timer& timer, net::Server& server,
                 std::chrono::steady_clock::time_point deadline, asio::io_context& control) {
  timer.expires_after(std::chrono::milliseconds(20));
  timer.async_wait([&, deadline](boost::system::error_code ec) {
    if (ec) return;
    if (server.finished() || std::chrono::steady_clock::now() >= deadline) {
      if (!server.finished()) log::warn("shutdown deadline reached; closing what is left");
      server.stop();
      control.stop();
      return;
    }
    await_drain(timer, server, deadline, control);
  });
}

// Several nodes (docs/cluster.md): null without --redis, and then nothing else changes.
std::unique_ptr<cluster::RedisBackplane> make_backplane(const Config& config,
                                                        broker::Broker& broker) {
  if (config.redis.empty()) return nullptr;
  // The URL itself is never repeated: it may hold a password.
  auto url = cluster::parse_redis_url(config.redis);
  if (!url) throw std::runtime_error("redis: " + url.error().message());
  // Other nodes' triggers reach this node's sessions and streams as local ones do, from the
  // cluster loop (the broker's subscribers only enqueue).
  return std::make_unique<cluster::RedisBackplane>(
      *url, [&broker](const MessagePtr& message) { broker.publish(message); });
}

// The router must not call a backplane that is gone, however serve() ends.
struct ObserverReset {
  Router& router;
  ~ObserverReset() { router.set_observer(nullptr); }
};

}  // namespace

int serve(const Config& config) {
  // Before anything reads the store: a second server on it would lose the first's sessions.
  const DataDirLock lock(config.data_dir);
  DataDir dir(config.data_dir, config.store);
  auth::KeyRegistry registry;
  Router router;
  net::Metrics metrics;
  triggers::RateLimiter rate_limiter(config.rate_limit, config.rate_burst);
  // Persistent sessions and retained messages come back before anyone can connect.
  std::unique_ptr<broker::Journal> journal;
  if (config.durability)
    journal =
        std::make_unique<broker::Journal>(config.data_dir + "/popflow.db", config.durability_fsync);
  const auto max_expiry = std::chrono::ceil<std::chrono::seconds>(config.mqtt_max_session_expiry);
  broker::Broker broker(
      router,
      {.max_queued = config.mqtt_max_queued,
       .max_expiry = max_expiry.count() > 0 ? std::optional(max_expiry) : std::nullopt,
       .max_sessions_per_token = config.mqtt_max_sessions_per_token,
       .max_sessions_per_customer = config.mqtt_max_sessions_per_customer},
      journal.get(), &registry);
  // Before the restored sessions subscribe: the backplane must see every local subscription.
  const auto backplane = make_backplane(config, broker);
  const ObserverReset observer_reset{router};
  if (backplane) {
    router.set_observer(backplane.get());
    backplane->start();
  }
  if (journal) {
    const auto stored = journal->load();
    broker.restore(stored);
    journal->start();
    log::info("sessions restored",
              {{"sessions", stored.sessions.size()}, {"retained", stored.retained.size()}});
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty())
      throw std::runtime_error("TLS needs both tls_cert and tls_key");
    tls = net::make_tls_context(config.tls_cert, config.tls_key);
  }
  triggers::IdempotencyStore idempotency(config.idempotency_window, config.idempotency_max_entries);
  net::ServerState state{config,      router, registry, metrics,   rate_limiter,
                         idempotency, broker, tls,      dir.secret};
  if (backplane) {
    state.triggers.set_backplane(backplane.get());
    state.backplane = backplane.get();
  }
  // The admin API's work runs on its own store thread; it also keeps state.catalog, what
  // triggers resolve against, in step with the store.
  admin::AdminService admin_service(config, dir.secret, dir.location, metrics);
  // Agents' clients watching /api/client/workflows/changes refetch what they run: told only
  // when their customer's part changed (a customer never hears of another's edits).
  std::unordered_map<std::string, std::size_t> digests;  // the store thread's only
  admin_service.set_catalog_listener([&state, &digests](store::Store& store) {
    auto snapshot = admin::load_catalog(store);
    state.catalog.replace(snapshot);
    std::vector<std::string> changed;
    for (const auto customer : snapshot->customers())
      if (digests[std::string(customer)] != snapshot->digest(customer))
        changed.emplace_back(customer);
    for (auto& [customer, digest] : digests)  // a customer whose last instance went
      if (snapshot->digest(customer) == 0 && digest != 0) changed.push_back(customer);
    for (const auto& customer : changed) {
      digests[customer] = snapshot->digest(customer);
      auto message = std::make_shared<Message>();
      message->topic = auth::catalog_topic(customer);
      message->id = "catalog-" + std::to_string(snapshot->generation());
      message->payload =
          R"({"changed":"workflows","generation":)" + std::to_string(snapshot->generation()) + "}";
      state.broker.publish(message);
    }
  });
  restore_timelines(admin_service.store(), state.history);
  admin_service.start();
  http::RouteTable routes;
  http::add_connect_routes(routes, config);
  http::add_timeline_routes(routes);
  http::add_client_routes(routes);
  http::add_web_routes(routes, config);
  admin::add_admin_routes(routes, admin_service);
  state.routes = &routes;

  // The control loop, on this thread: signals, sweeping, shutdown.
  asio::io_context control;
  // Caught from here on: a SIGTERM right after "listening" (a fast test, an orchestrator)
  // is a clean shutdown, not the default kill. Asio keeps one that comes before the wait.
  asio::signal_set signals(control, SIGINT, SIGTERM);
  KeyRefresher refresher(dir.location, registry, config.revocation_poll);
  refresher.reload();
  refresher.report_reachability(state.store_reachable);
  registry.set_source(&refresher, static_cast<double>(config.key_refresh_rate));
  // A key revoked or rotated with the admin API holds from its answer on. A store that fails
  // here leaves it to the next poll.
  admin_service.set_keys_listener([&refresher] {
    try {
      refresher.reload();
    } catch (const std::exception& e) {
      log::warn("key registry refresh failed; the next poll retries", {{"error", e.what()}});
    }
  });

  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  net::Server server(state, threads);
  // A port taken by another process (or given twice) ends start-up with one line naming it.
  const auto listen = [&](const std::string& setting, const std::string& address,
                          const net::AcceptHandler& on_accept, std::string_view refusal) {
    const auto endpoint = parse_endpoint(control, setting, address);
    try {
      return server.listen(endpoint, on_accept, refusal);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(setting + ": " + e.what());
    }
  };
  const auto http_endpoint =
      listen("http", config.http, http::accept_http, http::http_busy_response());
  // Over the connection limit an MQTT client is just closed: a CONNACK refusal would need
  // its protocol version, which it has not sent yet.
  const auto mqtt_endpoint = listen("mqtt", config.mqtt, net::accept_mqtt, {});
  boost::json::object listening{{"http", to_text(http_endpoint)},
                                {"mqtt", to_text(mqtt_endpoint)},
                                {"threads", threads},
                                {"keys", registry.size()},
                                {"data_dir", config.data_dir},
                                {"store", dir.location.redacted}};
  if (tls) {
    // The same services over TLS: HTTPS (with wss://.../mqtt) and mqtts.
    const auto https_endpoint =
        listen("https", config.https, http::accept_https, http::http_busy_response());
    const auto mqtts_endpoint = listen("mqtts", config.mqtts, net::accept_mqtts, {});
    listening.emplace("https", to_text(https_endpoint));
    listening.emplace("mqtts", to_text(mqtts_endpoint));
  }
  log::info("listening", listening);
  server.run();
  refresher.start();
  // Session expiry and delayed wills, once a second.
  asio::steady_timer sweeper(control);
  asio::steady_timer drain_timer(control);
  int exit_code = 0;
  const auto shut_down = [&] {
    state.ready = false;
    refresher.stop();
    sweeper.cancel();
    signals.cancel();
    server.begin_shutdown();
    await_drain(drain_timer, server, std::chrono::steady_clock::now() + config.shutdown_timeout,
                control);
  };
  std::function<void()> sweep = [&] {
    sweeper.expires_after(std::chrono::seconds(1));
    sweeper.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      // A dead event loop leaves its share of connections unanswered: never run half-dead.
      if (server.failed()) {
        log::error("an event loop died; shutting down (exit 70)");
        exit_code = 70;  // EX_SOFTWARE
        return shut_down();
      }
      broker.sweep(broker::Clock::now());
      state.history.expire(unix_now_ms());
      sweep();
    });
  };
  sweep();
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log::info("shutting down", {{"signal", signal}});
    shut_down();
  });
  control.run();
  server.join();
  // The keys used while connections drained, after the timer's last flush.
  refresher.stop();
  // No worker publishes any more: nothing comes from or goes to the other nodes after this.
  if (backplane) backplane->stop();
  // Connections are closed and their sessions detached: the journal writes the last of it.
  admin_service.stop();
  try {
    save_timelines(admin_service.store(), state.history);
  } catch (const std::exception& e) {  // the timelines are lost, nothing else: still a clean stop
    log::error("timelines not saved", {{"error", e.what()}});
  }
  if (journal) journal->stop();
  log::info("stopped", {{"exit_code", exit_code}});
  return exit_code;
}

}  // namespace popflow::app
