#pragma once
// Counters for /metrics, in the Prometheus text format.
//
// Threads: every event loop updates them with relaxed atomic adds (a few ns; no lock on
// the request path); render() reads them from any thread, so a scrape sees each counter
// exact but not all counters at one instant, which Prometheus tolerates.
#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "auth/auth_failure.hpp"
#include "net/stream_quota.hpp"
#include "workflows/resolver.hpp"

namespace popflow::net {

enum class Route { cti, crm, subscribe, health, metrics, mqtt, admin, timeline, other };
inline constexpr std::size_t kRouteCount = 9;
enum class ConnectionKind { http, sse, mqtt };
// Where an exception escaped: a request handler, an MQTT packet handler, or the loop itself.
enum class FailureSite { http, mqtt, loop };
// Which bound a slow SSE stream went past: Config::sse_max_unsent_bytes or sse_queue_limit.
enum class SseLimit { max_unsent_bytes, queue_limit };

std::string_view to_string(Route route);  // "cti", "subscribe", ...

class Metrics {
 public:
  void count_request(Route route, unsigned status, std::chrono::nanoseconds latency);
  void count_published(std::size_t delivered);
  void count_auth_failure(auth::AuthFailure reason);
  // A trigger whose event resolved to no published workflow, by why (workflows/resolver.hpp).
  void count_unresolved(workflows::Unresolved reason) {
    unresolved_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }
  // A run an agent's client reported (POST /api/triggers/{id}/runs), by its outcome.
  void count_run(std::string_view outcome);
  enum class SignIn { ok, refused, throttled };
  void count_sign_in(SignIn result) {
    sign_ins_[static_cast<std::size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  }
  void count_handler_failure(FailureSite site) {
    handler_failures_[static_cast<std::size_t>(site)].fetch_add(1, std::memory_order_relaxed);
  }
  // Messages an SSE stream lost: refused once it was over a bound, or queued when it closed.
  void count_sse_dropped(std::size_t messages = 1) {
    sse_dropped_.fetch_add(messages, std::memory_order_relaxed);
  }
  void count_sse_slow_consumer(SseLimit limit);
  void count_sse_refused(StreamQuota::Limit limit);
  void connection_opened(ConnectionKind kind);
  void connection_closed(ConnectionKind kind);
  std::size_t open_connections(ConnectionKind kind) const;

  std::string render() const;

 private:
  static constexpr std::size_t kStatusCount = 600;
  // Latency bucket bounds in microseconds; the last bucket is +Inf.
  static constexpr std::array<unsigned, 12> kBucketsUs{50,   100,   250,   500,    1000,   2500,
                                                       5000, 10000, 25000, 100000, 250000, 1000000};
  using Counter = std::atomic<std::uint64_t>;

  std::array<std::array<Counter, kStatusCount>, kRouteCount> requests_{};
  std::array<Counter, kBucketsUs.size() + 1> trigger_latency_{};
  Counter trigger_latency_sum_ns_{0};
  Counter published_{0};
  Counter delivered_{0};
  Counter sse_dropped_{0};
  std::array<Counter, 3> handler_failures_{};
  std::array<Counter, 2> sse_slow_consumers_{};  // by SseLimit
  std::array<Counter, 2> sse_refused_{};         // by StreamQuota::Limit
  std::array<Counter, auth::kAuthFailureCount> auth_failures_{};
  std::array<Counter, 5> unresolved_{};  // by workflows::Unresolved
  std::array<Counter, 3> sign_ins_{};    // by SignIn
  std::array<Counter, 7> runs_{};        // by outcome, in kRunOutcomes' order (metrics.cpp)
  std::array<std::atomic<std::int64_t>, 3> open_{};
};

}  // namespace popflow::net
