#include "broker/session.hpp"

#include <algorithm>
#include <limits>

#include "auth/acl.hpp"
#include "broker/stored_message.hpp"
#include "core/time.hpp"
#include "topics/delivery_trace.hpp"

namespace popflow::broker {

std::optional<std::chrono::seconds> capped_expiry(const SessionLimits& limits,
                                                  std::optional<std::chrono::seconds> requested) {
  if (!limits.max_expiry) return requested;
  if (!requested) return limits.max_expiry;
  return std::min(*requested, *limits.max_expiry);
}

Session::Session(std::string key, Identity identity, std::uint64_t id, SessionLimits limits,
                 Stats& stats, Journal* journal, const auth::KeyRegistry* keys)
    : key_(std::move(key)),
      id_(id),
      limits_(limits),
      stats_(stats),
      journal_(journal),
      keys_(keys),
      identity_(std::move(identity)),
      detached_at_(Clock::now()) {}

Identity Session::identity() {
  std::lock_guard lock(mutex_);
  return identity_;
}

void Session::set_identity(Identity identity) {
  std::lock_guard lock(mutex_);
  identity_ = std::move(identity);
  checked_generation_ = 0;  // checked afresh at the next delivery
  if (journaled_) journal_session();
}

void Session::restore(const StoredSession& stored) {
  std::lock_guard lock(mutex_);
  journaled_ = journal_ != nullptr;
  // Kept by a run with a longer maximum, or none: the present one applies from here on.
  expiry_ = capped_expiry(limits_, stored.expiry);
  // A session that was attached when the server stopped counts as detached from now on.
  if (stored.detached_at) detached_at_ = from_wall_clock_ms(*stored.detached_at);
  subscriptions_ = stored.subscriptions;
  for (const auto& [delivery, released] : stored.messages) {
    next_seq_ = std::max(next_seq_, delivery.seq);
    if (delivery.packet_id != 0) {
      in_flight_.push_back({delivery, released});
      next_packet_id_ = delivery.packet_id;
    } else {
      queue_.push_back(delivery);
    }
  }
}

void Session::end() {
  std::lock_guard lock(mutex_);
  if (journaled_) journal_->append(journal::SessionDropped{id_});
  journaled_ = false;
  ended_ = true;
}

bool Session::ended() {
  std::lock_guard lock(mutex_);
  return ended_;
}

bool Session::deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) {
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
  Delivery delivery;
  delivery.message = message;
  delivery.qos = std::min(options.qos, message->qos);
  delivery.retain = true;
  if (options.identifier) delivery.subscription_ids.push_back(options.identifier);
  enqueue(std::move(delivery));
}

bool Session::enqueue(Delivery delivery) {
  std::lock_guard lock(mutex_);
  if (ended_) return false;
  if (!may_read(delivery.message->topic)) {
    stats_.denied_delivery.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!link_ && delivery.qos == 0) {
    // Like mosquitto: QoS 0 is not kept for offline clients.
    stats_.dropped_offline_qos0.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (queue_.size() >= limits_.max_queued) {
    stats_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (delivery.qos > 0 && journaled_) {
    delivery.seq = ++next_seq_;
    journal_->append(journal::MessageSaved{id_, delivery});
  }
  queue_.push_back(std::move(delivery));
  if (link_) link_->wake();
  DeliveryTrace::note("mqtt", client_id_of(key_), !link_);
  return true;
}

bool Session::may_read(std::string_view topic) {
  if (identity_.anonymous()) return !is_tenant_topic(topic);
  const auto& claims = *identity_.claims;
  if (!auth::may_read(claims, topic)) return false;
  if (!keys_) return true;
  const auto generation = keys_->generation();
  constexpr auto kNever = std::numeric_limits<std::int64_t>::max();
  if (generation == checked_generation_ &&
      (readable_until_ == kNever || unix_now() < readable_until_))
    return readable_;
  const auto now = unix_now();
  const auto state = keys_->find(claims.key_id);
  checked_generation_ = generation;
  readable_ = !auth::credential_problem(state ? &*state : nullptr, claims, now);
  // The answer holds until the table changes or the first of the token's expiry and a
  // revocation set for later (a rotation's grace) comes.
  readable_until_ = kNever;
  for (const auto& at : {claims.expires_at, state ? state->expires_at : std::nullopt,
                         state ? state->revoked_at : std::nullopt})
    if (at && *at > now) readable_until_ = std::min(readable_until_, *at);
  return readable_;
}

void Session::attach(SessionLink* link) {
  std::lock_guard lock(mutex_);
  link_ = link;
  attached_at_ = Clock::now();
  resend_ = !in_flight_.empty();
}

bool Session::detach(SessionLink* link) {
  std::lock_guard lock(mutex_);
  if (link_ != link) return false;
  link_ = nullptr;
  detached_at_ = Clock::now();
  if (journaled_) journal_->append(journal::SessionDetached{id_, to_wall_clock_ms(detached_at_)});
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
  expiry_ = capped_expiry(limits_, expiry);
  const bool keep = journal_ && !ended_ && expiry_ != std::chrono::seconds(0);
  if (keep && journaled_) return journal_session();
  if (keep) {
    journaled_ = true;
    return journal_everything();
  }
  if (!journaled_) return;
  // It now ends with its connection: it leaves the journal, and its messages with it.
  journal_->append(journal::SessionDropped{id_});
  journaled_ = false;
  for (auto& delivery : queue_) delivery.seq = 0;
  for (auto& entry : in_flight_) entry.delivery.seq = 0;
}

Clock::time_point Session::detached_at() {
  std::lock_guard lock(mutex_);
  return detached_at_;
}

SessionView Session::view() {
  std::lock_guard lock(mutex_);
  SessionView out;
  out.client_id = std::string(client_id_of(key_));
  if (identity_.claims) out.agent = identity_.claims->agent;
  out.connected = link_ != nullptr;
  if (link_) out.transport = std::string(link_->transport());
  out.since_ms = to_wall_clock_ms(link_ ? attached_at_ : detached_at_);
  out.queued = queue_.size() + in_flight_.size();
  out.persistent = !expiry_ || expiry_->count() > 0;
  return out;
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
      journal_dropped(next);
      queue_.pop_front();
      continue;
    }
    if (next.qos > 0) {
      if (in_flight_.size() >= window) break;
      next.packet_id = allocate_packet_id();
      if (next.packet_id == 0) break;  // all 65535 ids in flight
      journal_sent(next, false);
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
  journal_dropped(it->delivery);
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
  journal_sent(it->delivery, true);
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
  if (journaled_) journal_->append(journal::SubscriptionSaved{id_, full_filter, record});
  return !inserted;
}

std::optional<SubscriptionRecord> Session::remove_subscription(const std::string& full_filter) {
  std::lock_guard lock(mutex_);
  auto it = subscriptions_.find(full_filter);
  if (it == subscriptions_.end()) return std::nullopt;
  auto record = std::move(it->second);
  subscriptions_.erase(it);
  if (journaled_) journal_->append(journal::SubscriptionDropped{id_, full_filter});
  return record;
}

std::map<std::string, SubscriptionRecord> Session::take_subscriptions() {
  std::lock_guard lock(mutex_);
  return std::exchange(subscriptions_, {});
}

void Session::journal_session() {
  std::optional<std::int64_t> detached_at;
  if (!link_) detached_at = to_wall_clock_ms(detached_at_);
  journal_->append(journal::SessionSaved{id_, key_, identity_, expiry_, detached_at});
}

void Session::journal_everything() {
  journal_session();
  for (const auto& [full_filter, record] : subscriptions_)
    journal_->append(journal::SubscriptionSaved{id_, full_filter, record});
  for (auto& entry : in_flight_) {
    entry.delivery.seq = ++next_seq_;
    journal_->append(journal::MessageSaved{id_, entry.delivery});
    journal_sent(entry.delivery, entry.released);
  }
  for (auto& delivery : queue_) {
    if (delivery.qos == 0) continue;
    delivery.seq = ++next_seq_;
    journal_->append(journal::MessageSaved{id_, delivery});
  }
}

void Session::journal_sent(const Delivery& delivery, bool released) {
  if (delivery.seq != 0 && journaled_)
    journal_->append(journal::MessageSent{id_, delivery.seq, delivery.packet_id, released});
}

void Session::journal_dropped(const Delivery& delivery) {
  if (delivery.seq != 0 && journaled_) journal_->append(journal::MessageDropped{id_, delivery.seq});
}

}  // namespace popflow::broker
