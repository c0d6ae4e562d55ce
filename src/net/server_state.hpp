#pragma once
// What every event loop shares: configuration, the topic router, the key registry, the
// metrics and the trigger service. All of it is either immutable after start-up or
// thread-safe itself.
#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "auth/key_registry.hpp"
#include "broker/broker.hpp"
#include "core/config.hpp"
#include "history/trigger_history.hpp"
#include "net/metrics.hpp"
#include "net/stream_quota.hpp"
#include "topics/router.hpp"
#include "triggers/idempotency_store.hpp"
#include "triggers/rate_limiter.hpp"
#include "triggers/trigger_service.hpp"
#include "workflows/published_catalog.hpp"

namespace popflow::http {
class RouteTable;  // the HTTP port's routes: carried here for http/, never used by net/
}

namespace popflow::net {

struct ServerState {
  const Config& config;
  Router& router;
  auth::KeyRegistry& keys;
  Metrics& metrics;
  triggers::RateLimiter& rate_limiter;
  triggers::IdempotencyStore& idempotency;
  broker::Broker& broker;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null unless a certificate is configured
  std::string secret;                              // HS256 signing secret; never logged
  const http::RouteTable* routes = nullptr;        // filled before the server starts
  // What each trigger's event resolves to; refreshed by the admin service's store thread.
  workflows::PublishedCatalog catalog{};
  // Each trigger's timeline, bounded by the configuration.
  history::TriggerHistory history{history::HistoryLimits{
      config.trigger_history_max, config.trigger_history, 20, config.trigger_history_max_bytes}};
  // The other nodes (--redis; docs/cluster.md), for /readyz and /metrics; null on one node.
  // The trigger service holds it too. Set before the server starts; thread-safe itself.
  Backplane* backplane = nullptr;
  // A trigger's rules, from its sender's claims to its answer; every loop calls it.
  triggers::TriggerService triggers{config, broker, rate_limiter, catalog, history};

  // False once shutdown begins: /readyz answers 503 (requests already in flight finish).
  std::atomic<bool> ready{true};
  // False while the store cannot be reached (PostgreSQL down; the key refresher's last read
  // failed): /readyz answers 503 (CONTRACT "Several nodes"). Always true with SQLite.
  std::atomic<bool> store_reachable{true};
  // Open client connections of every kind, against Config::max_connections.
  std::atomic<std::size_t> connections{0};
  // Open /api/admin/monitor streams: while there are none, triggers publish no monitor event.
  std::atomic<std::size_t> monitors{0};
  // Open SSE streams per client token and per customer, shared by every loop.
  StreamQuota sse_streams{};
};

}  // namespace popflow::net
