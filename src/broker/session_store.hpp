#pragma once
// The SQL side of the journal: applies journal entries to the mqtt_* tables (migration 2)
// and reads them back at start-up.
//
// Threads: one at a time (the journal thread, or start-up before it runs). It has its own
// SQLite connection; the control loop's connection reads customers and keys meanwhile (WAL).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/journal_entry.hpp"
#include "store/database.hpp"

namespace popflow::broker {

class SessionStore {
 public:
  SessionStore(const std::string& path, bool fsync);

  // Every persistent session and retained message, with clocks converted: wall-clock
  // expiry and detach times become steady-clock deadlines again. Rows of sessions that no
  // longer exist (a crash between entries) are removed.
  StoredState load();
  // One transaction for the whole batch; throws store::StoreError (then nothing of it holds).
  // A message both queued and acknowledged within the batch is not written at all. Returns
  // false when nothing was left to write (no transaction, no fsync).
  bool write(std::span<const JournalEntry> batch);
  // Ids of sessions `session purge` asked to end (mqtt_session_purges), read only when
  // another connection has written to the store since the last call: a no-op poll is one
  // PRAGMA. load() applies the requests left over from when no server ran.
  std::vector<std::uint64_t> purge_requests();

 private:
  void apply(const journal::SessionSaved& entry);
  void apply(const journal::SessionDetached& entry);
  void apply(const journal::SessionDropped& entry);
  void apply(const journal::SubscriptionSaved& entry);
  void apply(const journal::SubscriptionDropped& entry);
  void apply(const journal::MessageSaved& entry);
  void apply(const journal::MessageSent& entry);
  void apply(const journal::MessageDropped& entry);
  void apply(const journal::RetainedSaved& entry);

  store::Database db_;
  // Prepared once: a commit of a thousand entries prepares nothing.
  store::Statement save_session_;
  store::Statement detach_session_;
  store::Statement drop_session_;
  store::Statement drop_session_subscriptions_;
  store::Statement drop_session_messages_;
  store::Statement drop_purge_request_;
  std::int64_t data_version_ = 0;
  store::Statement save_subscription_;
  store::Statement drop_subscription_;
  store::Statement save_message_;
  store::Statement message_sent_;
  store::Statement drop_message_;
  store::Statement save_retained_;
  store::Statement drop_retained_;
};

// --- for `popflow-connect session list|purge`, on the CLI's own connection ---

// A persistent session as the store last had it.
struct SessionRow {
  std::uint64_t id = 0;
  std::string client_id;
  std::optional<std::string> customer;  // nullopt: anonymous
  std::optional<std::string> agent;
  std::optional<std::string> token_id;
  std::optional<std::int64_t> expiry;       // seconds; nullopt = never
  std::optional<std::int64_t> detached_at;  // wall-clock ms; nullopt: connected
  std::int64_t queued = 0;                  // QoS 1/2 messages queued or in flight
};

// Which sessions to purge; every field given must match (at least one must be).
struct SessionFilter {
  std::optional<std::string> customer;
  std::optional<std::string> agent;
  std::optional<std::string> client_id;
  std::optional<std::string> token_id;
};

std::vector<SessionRow> list_sessions(store::Database& db);
// Removes the matching sessions' rows at once (a server that is not running never restores
// them) and records a purge request for each, which a running server's sweep turns into
// ending the session in memory within about a second. Returns the sessions purged.
std::vector<SessionRow> purge_sessions(store::Database& db, const SessionFilter& filter);

}  // namespace popflow::broker
