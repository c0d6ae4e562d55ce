#pragma once
// The MQTT broker's shared state: sessions by client id, retained messages, and wills
// waiting out their delay. Connections (src/net/mqtt_connection) call it; it never does I/O.
//
// Client ids are scoped by what the credential may read (identity.hpp, session_key): two
// customers' "agent-1001" are different sessions, and so are two agents' of one customer.
// So one tenant, or one agent, can never resume or take over another's session.
//
// Threads: any. `mutex_` guards the session table and the delayed wills; sessions and the
// retained store lock themselves. Publishing never happens under `mutex_`.
#include <atomic>
#include <chrono>
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
    std::shared_ptr<Session> session;
    bool present = false;  // an existing session was resumed
  };
  // CONNECT accepted: resumes or creates the session of `client_id` in the identity's
  // namespace and attaches `link`. A connection already attached to it is kicked (session
  // taken over); clean_start discards the old session. A resumed session takes `identity`
  // as its credential from now on. `expiry` nullopt = never.
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

  // Ends expired sessions and publishes wills whose delay has passed. Call about once a
  // second from one thread.
  void sweep(Clock::time_point now);

  Stats& stats() { return stats_; }
  std::string render_metrics(std::size_t connections) const;
  std::size_t session_count() const;

 private:
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
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::vector<PendingWill> wills_;
};

}  // namespace popflow::broker
