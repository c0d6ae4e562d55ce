#pragma once
// The MQTT broker's shared state: sessions by client id, retained messages, and wills
// waiting out their delay. Connections (src/net/mqtt_connection) call it; it never does I/O.
//
// Client ids are scoped by what the credential may read (identity.hpp, session_key): two
// customers' "agent-1001" are different sessions, and so are two agents' of one customer.
// So one tenant, or one agent, can never resume or take over another's session.
//
// Bounds (issue 11): every persistent session costs a journal write per message it takes,
// so the table counts them per client token and per customer (SessionLimits) and refuses a
// CONNECT beyond; their expiry is capped; the sweep ends those whose token was revoked or
// deleted, and those an operator purged (`session purge`, through the journal).
//
// Threads: any. `mutex_` guards the session table, its counts and the delayed wills;
// sessions and the retained store lock themselves. Publishing never happens under `mutex_`.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/retained_store.hpp"
#include "broker/session.hpp"
#include "topics/router.hpp"

namespace popflow::broker {

// What a publish did, decided by the broker: how many sessions took the message, and the
// journal entry that must be written before anyone is told it is safe (0: nothing was
// journaled, so it is as safe as it will get now).
struct PublishReceipt {
  std::size_t delivered = 0;
  std::uint64_t journal_seq = 0;
};

struct Will {
  MessagePtr message;
  std::chrono::seconds delay{0};
};

class Broker {
 public:
  // `journal` null: sessions and retained messages live in memory only. `keys`: sessions
  // check their token against it at every delivery (null: topic rights only).
  Broker(Router& router, SessionLimits limits, Journal* journal = nullptr,
         const auth::KeyRegistry* keys = nullptr);

  // At start-up, before any connection: the sessions and retained messages the journal
  // kept. Restored sessions are detached; their expiry counts from when they were left.
  void restore(const StoredState& state);
  Journal* journal() { return journal_; }

  struct Attached {
    std::shared_ptr<Session> session;  // null when refused
    bool present = false;              // an existing session was resumed
    // Set when the CONNECT is refused (MQTT 5.0 0x97 Quota exceeded): which cap, for the
    // log and the reason string. Nothing changed: an existing session is not kicked.
    std::optional<std::string> quota_exceeded;
  };
  // CONNECT accepted: resumes or creates the session of `client_id` in the identity's
  // namespace and attaches `link`. A connection already attached to it is kicked (session
  // taken over); clean_start discards the old session. A resumed session takes `identity`
  // as its credential from now on. `expiry` nullopt = never; it is cut to the limits'
  // maximum (the session's expiry() says what was kept). A persistent session (expiry not
  // 0) beyond the token's or the customer's count is refused.
  Attached attach(const std::string& client_id, const Identity& identity, bool clean_start,
                  std::optional<std::chrono::seconds> expiry, SessionLink* link);
  // The connection ended. Its will is published now, when the session ends, or after its
  // delay, unless the session is resumed first (MQTT 5.0 section 3.1.3.2.2).
  void detach(const std::shared_ptr<Session>& session, SessionLink* link, std::optional<Will> will);

  // Returns true if the filter was already subscribed. Sends matching retained messages
  // per the options' retain handling (never for shared subscriptions).
  bool subscribe(Session& session, const std::string& full_filter,
                 const SubscriptionRecord& record);
  bool unsubscribe(Session& session, const std::string& full_filter);

  // Fan-out through the router; keeps the retained store.
  PublishReceipt publish(const MessagePtr& message);

  // Ends expired sessions, sessions whose token the registry says is revoked or gone, and
  // those `session purge` asked for (the journal reads the requests from the store); then
  // publishes wills whose delay has passed. Call about once a second from one thread.
  // Cost: one registry lookup per session with a token.
  void sweep(Clock::time_point now);
  // Ends the sessions with these ids (kicking their connections with 0x98 Administrative
  // action) and drops what the store holds under the others.
  void purge(const std::vector<std::uint64_t>& ids);

  Stats& stats() { return stats_; }
  std::string render_metrics(std::size_t connections) const;
  std::size_t session_count() const;
  // The sessions of one customer's credentials, connected or waiting for their client.
  std::vector<SessionView> sessions_of(std::string_view customer) const;
  // Persistent sessions counted against a token's and a customer's cap ("" = anonymous).
  std::size_t persistent_sessions_of_token(const std::string& key_id) const;
  std::size_t persistent_sessions_of_customer(const std::string& customer) const;

 private:
  // A session in the table, with what it is counted as: the token and customer it was
  // persistent under when last attached (kept until it leaves the table, even if a
  // DISCONNECT sets its expiry to 0 just before it ends).
  struct Entry {
    std::shared_ptr<Session> session;
    auth::ClaimsPtr claims;  // the credential it was last attached with; null: anonymous
    bool counted = false;
  };
  void count(Entry& entry, const Identity& identity, bool persistent);  // under mutex_
  void uncount(Entry& entry);                                           // under mutex_
  // Takes sessions out of the table (under mutex_); the caller ends them after unlocking.
  void take_if(const std::function<bool(Entry&)>& pred, std::vector<std::shared_ptr<Session>>& out);
  struct PendingWill {
    std::string session_key;
    Will will;
    Clock::time_point due;
  };
  void end_session(Session& session);  // unsubscribes everything

  Router& router_;
  SessionLimits limits_;
  Journal* const journal_;
  const auth::KeyRegistry* const keys_;
  Stats stats_;
  RetainedStore retained_;
  std::atomic<std::uint64_t> next_session_id_{0};

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;
  std::unordered_map<std::string, std::size_t> persistent_by_token_;
  std::unordered_map<std::string, std::size_t> persistent_by_customer_;
  std::vector<PendingWill> wills_;
};

}  // namespace popflow::broker
