#include "triggers/idempotency_store.hpp"

namespace popflow::triggers {
namespace {

std::string full_key(const std::string& scope, const std::string& key) {
  return scope + '\x1f' + key;
}

}  // namespace

IdempotencyStore::IdempotencyStore(std::chrono::milliseconds window, std::size_t max_entries)
    : window_(window), max_entries_(max_entries) {}

IdempotencyStore::Claim IdempotencyStore::claim(const std::string& scope, const std::string& key,
                                                Clock::time_point now) {
  std::lock_guard lock(mutex_);
  evict(now);
  auto id = full_key(scope, key);
  if (auto it = entries_.find(id); it != entries_.end()) {
    if (!it->second.answer) return {Claim::State::in_progress, {}};
    return {Claim::State::replay, *it->second.answer};
  }
  const auto expires = now + window_;
  entries_.emplace(id, Entry{std::nullopt, expires});
  order_.emplace_back(expires, std::move(id));
  return {Claim::State::first, {}};
}

void IdempotencyStore::complete(const std::string& scope, const std::string& key,
                                std::string answer) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(full_key(scope, key)); it != entries_.end())
    it->second.answer = std::move(answer);
}

void IdempotencyStore::release(const std::string& scope, const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(full_key(scope, key));  // its order_ entry is skipped when it comes up
}

void IdempotencyStore::evict(Clock::time_point now) {
  // order_ is sorted by expiry (the window is fixed), so this is amortised O(1).
  while (!order_.empty() && (order_.front().first <= now || order_.size() > max_entries_)) {
    auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && it->second.expires == order_.front().first) entries_.erase(it);
    order_.pop_front();
  }
}

}  // namespace popflow::triggers
