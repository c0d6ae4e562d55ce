#pragma once
// A Subscriber that records what the Router hands it. Thread-safe, so the concurrency
// tests can share one between publishing threads.
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "topics/subscriber.hpp"

namespace popflow::testing_support {

class FakeSubscriber : public Subscriber {
 public:
  struct Delivery {
    std::string topic;
    std::vector<SubscriptionOptions> matched;
  };

  explicit FakeSubscriber(bool accept = true) : accept_(accept) {}

  bool deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) override {
    count_.fetch_add(1, std::memory_order_relaxed);
    if (record_) {
      std::lock_guard lock(mutex_);
      deliveries_.push_back({message->topic, {matched.begin(), matched.end()}});
    }
    return accept_;
  }

  std::vector<Delivery> deliveries() const {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }
  std::size_t count() const { return count_.load(); }
  void stop_recording() { record_ = false; }  // before sharing between threads

 private:
  bool accept_;
  bool record_ = true;
  std::atomic<std::size_t> count_{0};
  mutable std::mutex mutex_;
  std::vector<Delivery> deliveries_;
};

}  // namespace popflow::testing_support
