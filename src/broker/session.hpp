#pragma once
// An MQTT session: the state that outlives a network connection (MQTT 5.0 section 4.1):
// subscriptions, messages queued while offline or beyond the in-flight window, QoS 1/2
// messages sent and not yet acknowledged, and QoS 2 packet ids received and not released.
//
// Persistence: with a journal, a session whose expiry is not 0 is persistent: everything
// above that changes is appended to the journal under the session's lock, so the journal
// sees one session's changes in the order they happened. QoS 0 messages are not kept.
//
// Access: every delivery is checked against the session's credential (its topic and, with a
// key registry, that the token is still known, unexpired and unrevoked), so a subscription
// never outlives the right that granted it. The registry check is cached per session until
// the registry's table changes or the token's expiry comes: a delivery normally costs one
// atomic load and a few string compares more.
//
// Threads: deliver() runs on any publisher's thread; the rest on the thread of whichever
// connection is attached. One mutex guards it all: a session is touched by one connection
// and, briefly, by publishers, so it is never contended for long.
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/key_registry.hpp"
#include "broker/delivery.hpp"
#include "broker/identity.hpp"
#include "broker/journal.hpp"
#include "broker/stats.hpp"
#include "topics/subscriber.hpp"

namespace popflow::broker {

using Clock = std::chrono::steady_clock;

// What a session needs from the connection attached to it. Both calls come from any thread
// with the session's lock held: they must only post to the connection's own loop.
class SessionLink {
 public:
  virtual ~SessionLink() = default;
  virtual void wake() = 0;                          // deliveries are waiting: flush soon
  virtual void kick(std::uint8_t reason_code) = 0;  // close, e.g. session taken over (0x8E)
  // What the connection runs on ("tcp", "tls", "websocket"): said in the console's list of
  // agents online. A constant of the connection, so any thread may ask.
  virtual std::string_view transport() const { return "mqtt"; }
};

// A session as the console's agents-online list shows it (Session::view()).
struct SessionView {
  std::string client_id;
  std::optional<std::string> agent;  // nullopt: a customer-wide credential
  bool connected = false;
  std::string transport;      // of the attached connection ("" when offline)
  std::int64_t since_ms = 0;  // wall clock: when it was last attached, or detached
  std::size_t queued = 0;     // messages waiting for it
  bool persistent = false;    // it outlives its connection
};

struct SessionLimits {
  std::size_t max_queued = 1000;  // messages waiting per session; beyond, new ones are dropped
  // The longest a session outlives its connection (nullopt: no maximum). Every expiry a
  // session is given, at CONNECT, at DISCONNECT or from the store, is cut to it: so a 3.1.1
  // persistent session ("never expires") and a 5.0 0xFFFFFFFF one end too.
  std::optional<std::chrono::seconds> max_expiry;
  // The broker's, not one session's: persistent sessions one client token, and one customer,
  // may hold at once across all connections (0 = unlimited). Beyond, CONNECT is refused.
  std::size_t max_sessions_per_token = 0;
  std::size_t max_sessions_per_customer = 0;
};

// `requested` cut to `limits.max_expiry` (nullopt = never).
std::optional<std::chrono::seconds> capped_expiry(const SessionLimits& limits,
                                                  std::optional<std::chrono::seconds> requested);

class Session : public Subscriber {
 public:
  // `journal` null: nothing is persisted. `keys` null: deliveries are checked against the
  // credential's topic rights only.
  Session(std::string key, Identity identity, std::uint64_t id, SessionLimits limits, Stats& stats,
          Journal* journal = nullptr, const auth::KeyRegistry* keys = nullptr);
  // Back from the store at start-up, detached: subscriptions (the caller also gives them to
  // the router), queued messages, and the ones in flight, resent with DUP on attach.
  void restore(const StoredSession& stored);
  // The session is over (expired, discarded by a clean start): it takes no more messages
  // and leaves the journal.
  void end();
  bool ended();

  const std::string& key() const { return key_; }
  Identity identity();
  // Resumed with another token of the same namespace (a new token of the same agent, say):
  // deliveries are checked against that one from now on.
  void set_identity(Identity identity);
  std::uint64_t id() const { return id_; }  // Message::origin of what it publishes

  bool deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) override;
  void deliver_retained(const MessagePtr& message, const SubscriptionOptions& options);

  // --- connection side ---
  void attach(SessionLink* link);
  bool detach(SessionLink* link);  // false when another link has taken over
  SessionLink* link();
  // Asks the attached connection, if any, to close with `reason_code` (under the lock, so
  // the connection cannot be detaching and destroyed meanwhile).
  void kick(std::uint8_t reason_code);
  std::optional<std::chrono::seconds> expiry();  // nullopt = never
  // Cut to SessionLimits::max_expiry: expiry() afterwards says what was kept.
  void set_expiry(std::optional<std::chrono::seconds> expiry);
  Clock::time_point detached_at();
  SessionView view();

  // What to write now: after attach, every unacknowledged message again (DUP) and PUBRELs;
  // then queued messages while fewer than `window` QoS 1/2 messages are in flight.
  std::vector<Delivery> take_sendable(std::size_t window, Clock::time_point now);
  bool complete(std::uint16_t packet_id);      // PUBACK, PUBCOMP, or a refusing PUBREC
  bool release(std::uint16_t packet_id);       // PUBREC: the caller answers with PUBREL
  bool receive_qos2(std::uint16_t packet_id);  // true the first time (then publish it)
  bool release_qos2(std::uint16_t packet_id);  // PUBREL from the client
  std::size_t incoming_qos2();
  std::size_t queued();

  // Returns true when the filter was already subscribed.
  bool add_subscription(const std::string& full_filter, const SubscriptionRecord& record);
  std::optional<SubscriptionRecord> remove_subscription(const std::string& full_filter);
  std::map<std::string, SubscriptionRecord> take_subscriptions();

 private:
  struct InFlight {
    Delivery delivery;
    bool released = false;  // QoS 2: PUBREC received, PUBREL sent, waiting for PUBCOMP
  };
  bool enqueue(Delivery delivery);
  bool may_read(std::string_view topic);  // under the lock
  std::uint16_t allocate_packet_id();
  // Journal helpers, called with the lock held.
  void journal_session();
  void journal_everything();  // the session has just become persistent
  void journal_sent(const Delivery& delivery, bool released);
  void journal_dropped(const Delivery& delivery);

  const std::string key_;
  const std::uint64_t id_;
  const SessionLimits limits_;
  Stats& stats_;
  Journal* const journal_;
  const auth::KeyRegistry* const keys_;

  std::mutex mutex_;
  Identity identity_;
  // may_read()'s cache of the registry check: valid while the registry is at
  // `checked_generation_` and the clock before `readable_until_` (Unix seconds).
  std::uint64_t checked_generation_ = 0;
  std::int64_t readable_until_ = 0;
  bool readable_ = false;
  SessionLink* link_ = nullptr;
  bool resend_ = false;
  bool ended_ = false;
  bool journaled_ = false;      // the journal holds it: every change is appended
  std::uint64_t next_seq_ = 0;  // the journal's name for each queued QoS 1/2 message
  std::optional<std::chrono::seconds> expiry_;
  Clock::time_point detached_at_;
  Clock::time_point attached_at_;
  // A list, not a deque: libstdc++'s deque allocates ~600 bytes even when empty, and most
  // sessions' queues are empty most of the time (idle connections are the memory budget).
  std::list<Delivery> queue_;
  std::vector<InFlight> in_flight_;  // in send order; the window is small, scans are cheap
  std::uint16_t next_packet_id_ = 0;
  std::set<std::uint16_t> incoming_qos2_;
  std::map<std::string, SubscriptionRecord> subscriptions_;
};

}  // namespace popflow::broker
