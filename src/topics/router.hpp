#pragma once
// The in-process topic router: the one place publishers and subscribers meet.
// Thread-safe: publish() takes a shared lock, so publishers on every event loop match in
// parallel; subscribe()/unsubscribe() take the exclusive lock. Subscribers must
// unsubscribe every filter before they are destroyed; once unsubscribe() returns, the
// router will not call them for that filter again.
#include <shared_mutex>
#include <string_view>

#include "topics/backplane.hpp"
#include "topics/subscription_index.hpp"

namespace popflow {

class Router {
 public:
  bool subscribe(std::string_view filter, Subscriber* subscriber,
                 const SubscriptionOptions& options = {}, std::string_view share_group = {});
  bool unsubscribe(std::string_view filter, Subscriber* subscriber,
                   std::string_view share_group = {});

  // Delivers to every subscriber with a matching subscription, once per subscriber
  // however many of its filters match. Returns how many subscribers accepted it.
  std::size_t publish(const MessagePtr& message);

  std::size_t subscription_count() const;

  // Told of each subscription added or removed (the cluster backplane; null without --redis).
  // Set at start-up before anything subscribes, cleared at shutdown after the observer stopped.
  void set_observer(SubscriptionObserver* observer);

 private:
  mutable std::shared_mutex mutex_;
  SubscriptionIndex index_;
  SubscriptionObserver* observer_ = nullptr;
};

}  // namespace popflow
