#include "topics/router.hpp"

#include <algorithm>
#include <mutex>

namespace popflow {

bool Router::subscribe(std::string_view filter, Subscriber* subscriber,
                       const SubscriptionOptions& options, std::string_view share_group) {
  std::unique_lock lock(mutex_);
  const bool added = index_.add(filter, subscriber, options, share_group);
  if (added && observer_) observer_->subscribed(filter);
  return added;
}

bool Router::unsubscribe(std::string_view filter, Subscriber* subscriber,
                         std::string_view share_group) {
  std::unique_lock lock(mutex_);
  const bool removed = index_.remove(filter, subscriber, share_group);
  if (removed && observer_) observer_->unsubscribed(filter);
  return removed;
}

std::size_t Router::publish(const MessagePtr& message) {
  // Reused per thread so the hot path does not allocate once it has warmed up.
  thread_local std::vector<Match> matches;
  thread_local std::vector<SubscriptionOptions> options;
  matches.clear();

  std::shared_lock lock(mutex_);
  index_.match(message->topic, matches);
  // Group by subscriber so overlapping subscriptions yield one delivery each. Skipped for a
  // single match (a trigger to one agent): stable_sort allocates a buffer even then.
  if (matches.size() > 1)
    std::stable_sort(matches.begin(), matches.end(),
                     [](const Match& a, const Match& b) { return a.subscriber < b.subscriber; });
  std::size_t accepted = 0;
  for (auto it = matches.begin(); it != matches.end();) {
    options.clear();
    auto* subscriber = it->subscriber;
    for (; it != matches.end() && it->subscriber == subscriber; ++it)
      options.push_back(it->options);
    if (subscriber->deliver(message, options)) ++accepted;
  }
  return accepted;
}

void Router::set_observer(SubscriptionObserver* observer) {
  std::unique_lock lock(mutex_);
  observer_ = observer;
}

std::size_t Router::subscription_count() const {
  std::shared_lock lock(mutex_);
  return index_.size();
}

}  // namespace popflow
