#pragma once
// Broker counters for /metrics. Relaxed atomics, updated from any thread.
#include <atomic>
#include <cstdint>
#include <string>

namespace popflow::broker {

struct Stats {
  std::atomic<std::uint64_t> messages_in{0};   // PUBLISH received from clients
  std::atomic<std::uint64_t> messages_out{0};  // PUBLISH written to clients
  std::atomic<std::uint64_t> dropped_queue_full{0};
  std::atomic<std::uint64_t> dropped_expired{0};
  std::atomic<std::uint64_t> dropped_too_large{0};
  std::atomic<std::uint64_t> dropped_offline_qos0{0};
  std::atomic<std::uint64_t> denied_publish{0};
  std::atomic<std::uint64_t> denied_subscribe{0};
  std::atomic<std::uint64_t> denied_delivery{0};  // the session's credential may no longer read
  std::atomic<std::uint64_t> slow_consumers{0};   // connections cut for unsent bytes

  // Prometheus text; `gauges` are sampled by the caller.
  std::string render(std::size_t sessions, std::size_t connections, std::size_t subscriptions,
                     std::size_t retained) const;
};

}  // namespace popflow::broker
