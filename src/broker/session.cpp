#include "broker/session.hpp"

#include <algorithm>

namespace popflow::broker {

Session::Session(std::string key, Identity identity, std::uint64_t id, SessionLimits limits,
                 Stats& stats)
    : key_(std::move(key)),
      identity_(std::move(identity)),
      id_(id),
      limits_(limits),
      stats_(stats),
      detached_at_(Clock::now()) {}

bool Session::deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) {
  if (identity_.anonymous() && is_tenant_topic(message->topic)) return false;
  Delivery delivery;
  delivery.message = message;
  bool wanted = false;
  bool retain_as_published = false;
  for (const auto& options : matched) {
    if (options.no_local && message->origin == id_) continue;
    wanted = true;
    // Overlapping subscriptions: one copy, at the highest QoS granted (MQTT 5.0 3.3.4).
    delivery.qos = std::max(delivery.qos, options.qos);
    retain_as_published |= options.retain_as_published;
    if (options.identifier) delivery.subscription_ids.push_back(options.identifier);
  }
  if (!wanted) return false;
  delivery.qos = std::min(delivery.qos, message->qos);
  delivery.retain = retain_as_published && message->retain;
  return enqueue(std::move(delivery));
}

void Session::deliver_retained(const MessagePtr& message, const SubscriptionOptions& options) {
  if (identity_.anonymous() && is_tenant_topic(message->topic)) return;
  Delivery delivery;
  delivery.message = message;
  delivery.qos = std::min(options.qos, message->qos);
  delivery.retain = true;
  if (options.identifier) delivery.subscription_ids.push_back(options.identifier);
  enqueue(std::move(delivery));
}

bool Session::enqueue(Delivery delivery) {
  std::lock_guard lock(mutex_);
  if (!link_ && delivery.qos == 0) {
    // Like mosquitto: QoS 0 is not kept for offline clients.
    stats_.dropped_offline_qos0.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (queue_.size() >= limits_.max_queued) {
    stats_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  queue_.push_back(std::move(delivery));
  if (link_) link_->wake();
  return true;
}

void Session::attach(SessionLink* link) {
  std::lock_guard lock(mutex_);
  link_ = link;
  resend_ = !in_flight_.empty();
}

bool Session::detach(SessionLink* link) {
  std::lock_guard lock(mutex_);
  if (link_ != link) return false;
  link_ = nullptr;
  detached_at_ = Clock::now();
  return true;
}

SessionLink* Session::link() {
  std::lock_guard lock(mutex_);
  return link_;
}

void Session::kick(std::uint8_t reason_code) {
  std::lock_guard lock(mutex_);
  if (link_) link_->kick(reason_code);
}

std::optional<std::chrono::seconds> Session::expiry() {
  std::lock_guard lock(mutex_);
  return expiry_;
}

void Session::set_expiry(std::optional<std::chrono::seconds> expiry) {
  std::lock_guard lock(mutex_);
  expiry_ = expiry;
}

Clock::time_point Session::detached_at() {
  std::lock_guard lock(mutex_);
  return detached_at_;
}

std::vector<Delivery> Session::take_sendable(std::size_t window, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<Delivery> out;
  if (resend_) {
    // A resumed session: everything unacknowledged goes again, in its original order
    // (MQTT 5.0 section 4.4), DUP set on PUBLISH; released QoS 2 messages get PUBREL.
    resend_ = false;
    for (auto& entry : in_flight_) {
      Delivery again = entry.delivery;
      again.dup = !entry.released;
      again.release_only = entry.released;
      out.push_back(std::move(again));
    }
  }
  while (!queue_.empty()) {
    auto& next = queue_.front();
    const auto& expires = next.message->expires_at;
    if (expires && *expires <= now) {
      stats_.dropped_expired.fetch_add(1, std::memory_order_relaxed);
      queue_.pop_front();
      continue;
    }
    if (next.qos > 0) {
      if (in_flight_.size() >= window) break;
      next.packet_id = allocate_packet_id();
      if (next.packet_id == 0) break;  // all 65535 ids in flight
      in_flight_.push_back({next, false});
    }
    out.push_back(std::move(next));
    queue_.pop_front();
  }
  return out;
}

bool Session::complete(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  auto it = std::ranges::find_if(
      in_flight_, [&](const InFlight& e) { return e.delivery.packet_id == packet_id; });
  if (it == in_flight_.end()) return false;
  in_flight_.erase(it);
  return true;
}

bool Session::release(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  auto it = std::ranges::find_if(in_flight_, [&](const InFlight& e) {
    return e.delivery.packet_id == packet_id && e.delivery.qos == 2;
  });
  if (it == in_flight_.end()) return false;
  it->released = true;
  return true;
}

bool Session::receive_qos2(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  return incoming_qos2_.insert(packet_id).second;
}

bool Session::release_qos2(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  return incoming_qos2_.erase(packet_id) > 0;
}

std::size_t Session::incoming_qos2() {
  std::lock_guard lock(mutex_);
  return incoming_qos2_.size();
}

std::size_t Session::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_.size();
}

std::uint16_t Session::allocate_packet_id() {
  // Called with the lock held. O(window) per id: the window is small.
  for (int tries = 0; tries < 65535; ++tries) {
    next_packet_id_ = next_packet_id_ == 65535 ? 1 : next_packet_id_ + 1;
    const auto id = next_packet_id_;
    if (std::ranges::none_of(in_flight_,
                             [&](const InFlight& e) { return e.delivery.packet_id == id; }))
      return id;
  }
  return 0;
}

bool Session::add_subscription(const std::string& full_filter, const SubscriptionRecord& record) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = subscriptions_.insert_or_assign(full_filter, record);
  return !inserted;
}

std::optional<SubscriptionRecord> Session::remove_subscription(const std::string& full_filter) {
  std::lock_guard lock(mutex_);
  auto it = subscriptions_.find(full_filter);
  if (it == subscriptions_.end()) return std::nullopt;
  auto record = std::move(it->second);
  subscriptions_.erase(it);
  return record;
}

std::map<std::string, SubscriptionRecord> Session::take_subscriptions() {
  std::lock_guard lock(mutex_);
  return std::exchange(subscriptions_, {});
}

bool is_tenant_topic(std::string_view topic) {
  return topic == "CTI" || topic == "CRM" || topic.starts_with("CTI/") || topic.starts_with("CRM/");
}

}  // namespace popflow::broker
