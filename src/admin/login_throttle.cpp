#include "admin/login_throttle.hpp"

#include <algorithm>

namespace popflow::admin {
namespace {

std::string pair_key(std::string_view user, std::string_view address) {
  std::string key(user);
  key += '\0';  // no user name or address holds a NUL, so no two pairs share a key
  key += address;
  return key;
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleLimits limits) : limits_(limits) {
  limits_.first_delay = std::max(limits_.first_delay, std::chrono::seconds(1));
  limits_.max_delay = std::max(limits_.max_delay, limits_.first_delay);
  // A count forgotten while its lock still held would end the lock early.
  limits_.window = std::max(limits_.window, limits_.max_delay);
  limits_.max_keys = std::max<std::size_t>(limits_.max_keys, 1);
}

template <class Value>
Value& LoginThrottle::update(Table<Value>& table, std::string key) {
  auto it = table.entries.find(key);
  if (it != table.entries.end()) {
    table.order.splice(table.order.end(), table.order, it->second.second);
    return it->second.first;
  }
  if (table.entries.size() >= limits_.max_keys) {
    table.entries.erase(table.order.front());
    table.order.pop_front();
  }
  table.order.push_back(key);
  auto& entry = table.entries[std::move(key)];
  entry.second = std::prev(table.order.end());
  return entry.first;
}

template <class Value>
void LoginThrottle::forget(Table<Value>& table, const std::string& key) {
  auto it = table.entries.find(key);
  if (it == table.entries.end()) return;
  table.order.erase(it->second.second);
  table.entries.erase(it);
}

LoginThrottle::Clock::duration LoginThrottle::locked_for(Table<Failures>& table,
                                                         const std::string& key,
                                                         Clock::time_point now) {
  auto it = table.entries.find(key);
  if (it == table.entries.end()) return Clock::duration::zero();
  const Failures& failures = it->second.first;
  if (now - failures.last >= limits_.window) {
    forget(table, key);
    return Clock::duration::zero();
  }
  if (failures.count < limits_.free_failures) return Clock::duration::zero();
  // first_delay doubled once per failure past the free ones, stopping at max_delay (and
  // before the doubling could overflow).
  std::chrono::seconds delay = limits_.first_delay;
  for (std::size_t n = limits_.free_failures; n < failures.count && delay < limits_.max_delay; ++n)
    delay *= 2;
  delay = std::min(delay, limits_.max_delay);
  return std::max(Clock::duration::zero(), failures.last + delay - now);
}

std::optional<std::chrono::seconds> LoginThrottle::check(std::string_view user,
                                                         std::string_view address,
                                                         Clock::time_point now) {
  const std::string user_key(user);
  const std::string address_key(address);
  std::lock_guard lock(mutex_);
  auto wait = locked_for(addresses_, address_key, now);
  // Checked even from a known address, so the count is still forgotten when its time comes.
  const auto user_wait = locked_for(users_, user_key, now);
  if (!known_.entries.contains(pair_key(user, address))) wait = std::max(wait, user_wait);
  if (wait <= Clock::duration::zero()) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(wait);
}

void LoginThrottle::failed(std::string_view user, std::string_view address, Clock::time_point now) {
  auto count = [&](Table<Failures>& table, const std::string& key) {
    (void)locked_for(table, key, now);  // starts afresh if the window has passed
    auto& failures = update(table, key);
    ++failures.count;
    failures.last = now;
  };
  std::lock_guard lock(mutex_);
  count(users_, std::string(user));
  count(addresses_, std::string(address));
}

void LoginThrottle::succeeded(std::string_view user, std::string_view address) {
  std::lock_guard lock(mutex_);
  forget(users_, std::string(user));
  update(known_, pair_key(user, address)) = true;
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return users_.entries.size() + addresses_.entries.size() + known_.entries.size();
}

}  // namespace popflow::admin
