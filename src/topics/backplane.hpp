#pragma once
// The seam between this node and the others (docs/cluster.md). Both interfaces are null
// unless the server runs with --redis, and their callers check a pointer, nothing more: one
// node alone pays no cost on its hot paths.
//
// SubscriptionObserver: the router tells it of every subscription added or removed (a filter
// one subscriber did not have, or had), under the router's exclusive lock so the calls for one
// filter arrive in the order they happened; it must only record or post, never block or call
// back into the router. Backplane: the trigger service hands it every trigger it published
// locally, from the publishing worker; it must only enqueue.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "topics/message.hpp"

namespace popflow {

class SubscriptionObserver {
 public:
  virtual ~SubscriptionObserver() = default;
  virtual void subscribed(std::string_view filter) = 0;
  virtual void unsubscribed(std::string_view filter) = 0;
};

class Backplane {
 public:
  virtual ~Backplane() = default;
  // The message as this node's subscribers got it, to be delivered on the other nodes.
  // `handed` (may be empty) runs on the backplane's thread once Redis has run the publish
  // (true) or once it cannot be (false: not connected, too far behind, refused, lost).
  using Handed = std::function<void(bool)>;
  virtual void publish(const MessagePtr& message, Handed handed = {}) = 0;

  // Whether a trigger published now would be handed to the other nodes (the publishing
  // connection is up). Every trigger reads it before it is published, so it lives here, one
  // relaxed atomic load, rather than behind a virtual call; the implementation sets it from
  // its own thread as its connection comes and goes. Any thread.
  bool accepting() const { return accepting_.load(std::memory_order_relaxed); }
  // The trigger service refused a trigger because accepting() was false (for /metrics).
  void count_refused() { refused_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

  // Cluster-wide idempotency (docs/cluster.md "Idempotency"): one claim of `key` across every
  // node. The first claim within `ttl`, on any node, is `claimed`, with the marker naming it;
  // later ones get the answer completed for it (`replay`) or `in_progress`; `unavailable` when
  // Redis cannot be asked now (nothing was claimed). Any thread; `done` runs on the
  // backplane's. complete() keeps the claim's answer for `ttl`; release() gives the claim up.
  struct IdempotencyClaim {
    enum class State { claimed, replay, in_progress, unavailable };
    State state = State::unavailable;
    std::string marker{};  // claimed: what complete() and release() name
    std::string answer{};  // replay: the first answer's body
  };
  virtual void claim_idempotency(std::string customer, std::string key,
                                 std::chrono::milliseconds ttl,
                                 std::function<void(IdempotencyClaim)> done) = 0;
  virtual void complete_idempotency(std::string customer, std::string key, std::string marker,
                                    std::string answer, std::chrono::milliseconds ttl) = 0;
  virtual void release_idempotency(std::string customer, std::string key, std::string marker) = 0;

  // Every connection to the other nodes is up: /readyz is 200 only then (CONTRACT "Several
  // nodes"). Any thread; not on a hot path.
  virtual bool reachable() const = 0;
  // The backplane's lines for /metrics, in the Prometheus text format. Any thread.
  virtual std::string render_metrics() const = 0;

 protected:
  void set_accepting(bool up) { accepting_.store(up, std::memory_order_relaxed); }

 private:
  std::atomic<bool> accepting_{false};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace popflow
