#pragma once
// The SQL side of the journal: applies journal entries to the mqtt_* tables (migration 2)
// and reads them back at start-up.
//
// Threads: one at a time (the journal thread, or start-up before it runs). It has its own
// SQLite connection; the control loop's connection reads customers and keys meanwhile (WAL).
#include <span>
#include <string>

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
  store::Statement save_subscription_;
  store::Statement drop_subscription_;
  store::Statement save_message_;
  store::Statement message_sent_;
  store::Statement drop_message_;
  store::Statement save_retained_;
  store::Statement drop_retained_;
};

}  // namespace popflow::broker
