#include "broker/broker.hpp"

#include <algorithm>

namespace popflow::broker {
namespace {

constexpr std::uint8_t kSessionTakenOver = 0x8E;

}  // namespace

Broker::Broker(Router& router, SessionLimits limits, Journal* journal,
               const auth::KeyRegistry* keys)
    : router_(router), limits_(limits), journal_(journal), keys_(keys) {}

void Broker::restore(const StoredState& state) {
  for (const auto& stored : state.sessions) {
    // The key is made again from the stored owner: a session kept by a release that scoped
    // client ids by customer only moves into its agent's namespace (and is written so).
    auto key = session_key(stored.identity, client_id_of(stored.key));
    auto session = std::make_shared<Session>(key, stored.identity, stored.id, limits_, stats_,
                                             journal_, keys_);
    session->restore(stored);
    for (const auto& [full_filter, record] : stored.subscriptions)
      router_.subscribe(record.filter, session.get(), record.options, record.group);
    std::lock_guard lock(mutex_);
    // Ids go on from the highest restored one: the journal names sessions by id.
    next_session_id_ = std::max<std::uint64_t>(next_session_id_, stored.id);
    sessions_.insert_or_assign(std::move(key), std::move(session));
  }
  for (const auto& message : state.retained) retained_.update(message);
}

Broker::Attached Broker::attach(const std::string& client_id, const Identity& identity,
                                bool clean_start, std::optional<std::chrono::seconds> expiry,
                                SessionLink* link) {
  const auto key = session_key(identity, client_id);
  std::shared_ptr<Session> session;
  std::shared_ptr<Session> discarded;
  bool present = false;
  {
    std::lock_guard lock(mutex_);
    // Back before the will delay ran out: the will is not sent.
    std::erase_if(wills_, [&](const PendingWill& w) { return w.session_key == key; });
    if (auto it = sessions_.find(key); it != sessions_.end()) {
      session = it->second;
      session->kick(kSessionTakenOver);
      if (clean_start) {
        discarded = std::move(session);
        sessions_.erase(it);
      } else {
        present = true;
      }
    }
    if (!session) {
      session = std::make_shared<Session>(key, identity, ++next_session_id_, limits_, stats_,
                                          journal_, keys_);
      sessions_.emplace(key, session);
    }
  }
  if (discarded) end_session(*discarded);
  if (present) session->set_identity(identity);
  session->attach(link);
  session->set_expiry(expiry);  // after attach: a persistent session is journaled as attached
  return {session, present};
}

void Broker::detach(const std::shared_ptr<Session>& session, SessionLink* link,
                    std::optional<Will> will) {
  const bool ours = session->detach(link);
  const auto now = Clock::now();
  std::vector<MessagePtr> to_publish;
  bool ended = false;
  {
    std::lock_guard lock(mutex_);
    if (!ours) {
      // Taken over: the session goes on, so only an undelayed will is sent.
      if (will && will->delay.count() == 0) to_publish.push_back(will->message);
    } else {
      const auto expiry = session->expiry();
      ended = expiry && expiry->count() == 0;
      if (ended) {
        auto it = sessions_.find(session->key());
        if (it != sessions_.end() && it->second == session) sessions_.erase(it);
      }
      if (will && (ended || will->delay.count() == 0)) {
        to_publish.push_back(will->message);
      } else if (will) {
        const auto wait = expiry ? std::min(will->delay, *expiry) : will->delay;
        wills_.push_back({session->key(), *will, now + wait});
      }
    }
  }
  if (ended) end_session(*session);
  for (const auto& message : to_publish) publish(message);
}

bool Broker::subscribe(Session& session, const std::string& full_filter,
                       const SubscriptionRecord& record) {
  const bool existed = session.add_subscription(full_filter, record);
  router_.subscribe(record.filter, &session, record.options, record.group);
  const auto handling = record.options.retain_handling;
  if (record.group.empty() && (handling == 0 || (handling == 1 && !existed))) {
    for (const auto& message : retained_.matching(record.filter, Clock::now()))
      session.deliver_retained(message, record.options);
  }
  return existed;
}

bool Broker::unsubscribe(Session& session, const std::string& full_filter) {
  auto record = session.remove_subscription(full_filter);
  if (!record) return false;
  router_.unsubscribe(record->filter, &session, record->group);
  return true;
}

PublishReceipt Broker::publish(const MessagePtr& message) {
  // Sessions append to the journal on this thread, under their own locks, while the router
  // delivers: the thread's last appended entry before and after tells whether this publish
  // appended any (cheaper than threading a receipt through every Subscriber).
  const auto journaled_before = Journal::appended_here();
  if (message->retain) {
    retained_.update(message);
    if (journal_) journal_->append(journal::RetainedSaved{message});
  }
  PublishReceipt receipt{router_.publish(message), 0};
  if (const auto journaled = Journal::appended_here(); journaled != journaled_before)
    receipt.journal_seq = journaled;
  return receipt;
}

void Broker::sweep(Clock::time_point now) {
  std::vector<MessagePtr> to_publish;
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(wills_, [&](const PendingWill& w) {
      if (w.due > now) return false;
      to_publish.push_back(w.will.message);
      return true;
    });
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      auto& session = it->second;
      const auto expiry = session->expiry();
      if (!session->link() && expiry && now - session->detached_at() >= *expiry) {
        ended.push_back(std::move(session));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& session : ended) end_session(*session);
  for (const auto& message : to_publish) publish(message);
}

void Broker::end_session(Session& session) {
  session.end();
  for (const auto& [filter, record] : session.take_subscriptions())
    router_.unsubscribe(record.filter, &session, record.group);
}

std::size_t Broker::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::string Broker::render_metrics(std::size_t connections) const {
  auto out =
      stats_.render(session_count(), connections, router_.subscription_count(), retained_.size());
  if (journal_) out += journal_->stats().render();
  return out;
}

}  // namespace popflow::broker
