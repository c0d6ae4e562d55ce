#include "broker/broker.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/log.hpp"
#include "core/time.hpp"

namespace popflow::broker {
namespace {

constexpr std::uint8_t kNotAuthorized = 0x87;
constexpr std::uint8_t kSessionTakenOver = 0x8E;
constexpr std::uint8_t kAdministrativeAction = 0x98;

bool is_persistent(const std::optional<std::chrono::seconds>& expiry) {
  return !expiry || expiry->count() != 0;
}

std::string token_of(const auth::ClaimsPtr& claims) {
  return claims ? claims->key_id : std::string();
}

std::string customer_of(const auth::ClaimsPtr& claims) {
  return claims ? claims->customer : std::string();
}

std::size_t count_of(const std::unordered_map<std::string, std::size_t>& counts,
                     const std::string& name) {
  const auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second;
}

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
    // Counted even beyond today's caps (lowered since): they hold, new ones are refused.
    if (auto it = sessions_.find(key); it != sessions_.end()) uncount(it->second);
    auto& entry = sessions_[std::move(key)];
    entry.session = std::move(session);
    count(entry, stored.identity, true);
  }
  for (const auto& message : state.retained) retained_.update(message);
}

Broker::Attached Broker::attach(const std::string& client_id, const Identity& identity,
                                bool clean_start, std::optional<std::chrono::seconds> expiry,
                                SessionLink* link) {
  const auto key = session_key(identity, client_id);
  const bool persistent = is_persistent(expiry);
  std::shared_ptr<Session> session;
  std::shared_ptr<Session> discarded;
  bool present = false;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(key);
    if (persistent) {
      // A session already counted under this customer (and token) takes no new place, even
      // when a clean start replaces it: one goes as the other comes.
      const bool counted = it != sessions_.end() && it->second.counted;
      const auto token = token_of(identity.claims);
      const bool same_token = counted && token_of(it->second.claims) == token;
      const auto& caps = limits_;
      if (caps.max_sessions_per_token && !same_token &&
          count_of(persistent_by_token_, token) >= caps.max_sessions_per_token)
        return {nullptr, false,
                "the token holds mqtt_max_sessions_per_token (" +
                    std::to_string(caps.max_sessions_per_token) + ") persistent sessions"};
      const auto customer = customer_of(identity.claims);
      if (caps.max_sessions_per_customer && !counted &&
          count_of(persistent_by_customer_, customer) >= caps.max_sessions_per_customer)
        return {nullptr, false,
                "the customer holds mqtt_max_sessions_per_customer (" +
                    std::to_string(caps.max_sessions_per_customer) + ") persistent sessions"};
    }
    // Back before the will delay ran out: the will is not sent.
    std::erase_if(wills_, [&](const PendingWill& w) { return w.session_key == key; });
    if (it != sessions_.end()) {
      session = it->second.session;
      session->kick(kSessionTakenOver);
      if (clean_start) {
        discarded = std::move(session);
        uncount(it->second);
        sessions_.erase(it);
        it = sessions_.end();
      } else {
        present = true;
      }
    }
    if (!session) {
      session = std::make_shared<Session>(key, identity, ++next_session_id_, limits_, stats_,
                                          journal_, keys_);
      it = sessions_.emplace(key, Entry{session, nullptr, false}).first;
    }
    count(it->second, identity, persistent);
  }
  if (discarded) end_session(*discarded);
  if (present) session->set_identity(identity);
  session->attach(link);
  session->set_expiry(expiry);  // after attach: a persistent session is journaled as attached
  return {session, present, std::nullopt};
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
        if (it != sessions_.end() && it->second.session == session) {
          uncount(it->second);
          sessions_.erase(it);
        }
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
  // Ended (purged, revoked, discarded) while its connection was still closing: the router
  // must not keep a pointer to it.
  if (session.ended()) return false;
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
  std::vector<std::shared_ptr<Session>> expired;
  std::vector<std::shared_ptr<Session>> revoked;
  const auto unix_time = unix_now();
  {
    std::lock_guard lock(mutex_);
    std::erase_if(wills_, [&](const PendingWill& w) {
      if (w.due > now) return false;
      to_publish.push_back(w.will.message);
      return true;
    });
    take_if(
        [&](Entry& entry) {
          auto& session = *entry.session;
          const auto expiry = session.expiry();
          return !session.link() && expiry && now - session.detached_at() >= *expiry;
        },
        expired);
    if (keys_) {
      // A revoked or deleted token's sessions would otherwise wait out their expiry in the
      // store (a 3.1.1 one: the maximum), taking a journal write per trigger they match and
      // never delivering it. An expired token's are kept: the agent's next token resumes them.
      take_if(
          [&](Entry& entry) {
            if (!entry.claims) return false;
            const auto state = keys_->find(entry.claims->key_id);
            const auto problem =
                auth::credential_problem(state ? &*state : nullptr, *entry.claims, unix_time);
            return problem == auth::AuthFailure::revoked ||
                   problem == auth::AuthFailure::unknown_key;
          },
          revoked);
    }
  }
  for (const auto& session : expired) end_session(*session);
  for (const auto& session : revoked) {
    session->kick(kNotAuthorized);
    end_session(*session);
  }
  if (!revoked.empty())
    log::info("mqtt sessions of revoked tokens ended", {{"sessions", revoked.size()}});
  if (journal_) {
    if (auto ids = journal_->take_purge_requests(); !ids.empty()) purge(ids);
  }
  for (const auto& message : to_publish) publish(message);
}

void Broker::purge(const std::vector<std::uint64_t>& ids) {
  std::unordered_set<std::uint64_t> wanted(ids.begin(), ids.end());
  std::vector<std::shared_ptr<Session>> purged;
  {
    std::lock_guard lock(mutex_);
    take_if(
        [&](Entry& entry) {
          // Erased as found: what is left afterwards is not in memory.
          return wanted.erase(entry.session->id()) > 0;
        },
        purged);
  }
  for (const auto& session : purged) {
    session->kick(kAdministrativeAction);
    end_session(*session);  // journals the drop, which clears the request
  }
  // Already gone here (ended meanwhile): only the store's rows and the request are left.
  // Ids are never reused within a run, so no live session is touched.
  if (journal_)
    for (const auto id : wanted) journal_->append(journal::SessionDropped{id});
  if (!purged.empty()) log::info("mqtt sessions purged", {{"sessions", purged.size()}});
}

void Broker::take_if(const std::function<bool(Entry&)>& pred,
                     std::vector<std::shared_ptr<Session>>& out) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (pred(it->second)) {
      uncount(it->second);
      out.push_back(std::move(it->second.session));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void Broker::count(Entry& entry, const Identity& identity, bool persistent) {
  uncount(entry);
  entry.claims = identity.claims;
  if (!persistent) return;
  ++persistent_by_token_[token_of(entry.claims)];
  ++persistent_by_customer_[customer_of(entry.claims)];
  entry.counted = true;
}

void Broker::uncount(Entry& entry) {
  if (!entry.counted) return;
  entry.counted = false;
  const auto drop = [](std::unordered_map<std::string, std::size_t>& counts,
                       const std::string& name) {
    auto it = counts.find(name);
    if (it != counts.end() && --it->second == 0) counts.erase(it);
  };
  drop(persistent_by_token_, token_of(entry.claims));
  drop(persistent_by_customer_, customer_of(entry.claims));
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

std::vector<SessionView> Broker::sessions_of(std::string_view customer) const {
  std::vector<std::shared_ptr<Session>> mine;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, entry] : sessions_)
      if (entry.claims && entry.claims->customer == customer) mine.push_back(entry.session);
  }
  // Each session's lock is taken after the table's is released (broker → session is the
  // lock order, and a view needs neither for long).
  std::vector<SessionView> views;
  views.reserve(mine.size());
  for (const auto& session : mine) views.push_back(session->view());
  return views;
}

std::size_t Broker::persistent_sessions_of_token(const std::string& key_id) const {
  std::lock_guard lock(mutex_);
  return count_of(persistent_by_token_, key_id);
}

std::size_t Broker::persistent_sessions_of_customer(const std::string& customer) const {
  std::lock_guard lock(mutex_);
  return count_of(persistent_by_customer_, customer);
}

std::string Broker::render_metrics(std::size_t connections) const {
  auto out =
      stats_.render(session_count(), connections, router_.subscription_count(), retained_.size());
  if (journal_) out += journal_->stats().render();
  return out;
}

}  // namespace popflow::broker
