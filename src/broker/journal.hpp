#pragma once
// The broker's write-ahead of persistent sessions (issue #5, durability): sessions, their
// subscriptions, their queued QoS 1/2 messages and the retained messages, kept in SQLite so
// that a restart or a kill -9 loses none of them.
//
// Group commit: appending is a push under a mutex from any thread (often under a session's
// lock). One journal thread takes everything appended so far and writes it in one
// transaction; whatever arrives meanwhile waits for the next. So the cost of a commit (an
// fsync with `fsync` on) is shared by every entry in it, and a quiet server commits at once.
//
// A trigger's answer waits for the entries its publish appended: appended_here() before and
// after the publish tells whether it appended any, and when_written() calls back once the
// commit holding them is done.
//
// Purges: `popflow-connect session purge` (another process) records the ids of the sessions
// to end in the store. The journal thread looks for them about once a second, when another
// connection has written to the store (PRAGMA data_version), and keeps them for the broker's
// sweep (take_purge_requests); the drop it then journals clears the request.
//
// Threads: append(), appended_here(), when_written(), backlog(), take_purge_requests() from
// any thread; load() before start(); stop() from the thread that owns the Journal.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/journal_entry.hpp"

namespace popflow::broker {

class SessionStore;

struct JournalStats {
  std::uint64_t commits = 0;  // transactions (a batch that settled itself writes none)
  std::uint64_t entries = 0;
  std::uint64_t failures = 0;  // commits that failed; their waiters were told
  std::size_t backlog = 0;     // entries appended and not yet committed

  std::string render() const;  // Prometheus text for /metrics
};

class Journal {
 public:
  // Opens its own connection to the store at `path`. fsync: every commit reaches the disk,
  // not only the OS (survives a power cut, not only a crash of the process). Throws
  // store::StoreError.
  Journal(const std::string& path, bool fsync);
  ~Journal();  // stop()
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  StoredState load();  // what the last run left; before start()
  void start();
  void stop();  // commits what is queued, then ends the journal thread

  // Returns the entry's sequence number: they grow by one per entry.
  std::uint64_t append(JournalEntry entry);
  // The last sequence number appended by the calling thread (0 if none).
  static std::uint64_t appended_here();
  // done(true) once every entry up to `seq` is committed, done(false) if the commit holding
  // it failed. Runs on the journal thread, or at once on the caller's when already known.
  void when_written(std::uint64_t seq, std::function<void(bool)> done);

  JournalStats stats() const;
  std::size_t backlog() const;  // entries appended and not yet committed; lock-free
  // Ids of sessions `session purge` asked to end, found since the last call. An id may come
  // again (the request stays until its drop is committed): ending a session twice is harmless.
  std::vector<std::uint64_t> take_purge_requests();

 private:
  struct Waiter {
    std::uint64_t seq;
    std::function<void(bool)> done;
  };
  void run();
  void poll_purges();                    // on the journal thread, outside mutex_
  bool failed(std::uint64_t seq) const;  // under mutex_

  std::unique_ptr<SessionStore> store_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<JournalEntry> pending_;
  std::vector<Waiter> waiters_;
  // Changed under mutex_; atomic so that backlog(), asked by every trigger, takes no lock.
  std::atomic<std::uint64_t> appended_{0};
  std::atomic<std::uint64_t> written_{0};  // every entry up to here is committed, or failed
  // The last failed commit's entries, (from, through]: a waiter arriving late still hears.
  std::uint64_t failed_from_ = 0;
  std::uint64_t failed_through_ = 0;
  JournalStats stats_;
  std::vector<std::uint64_t> purge_requests_;
  std::chrono::steady_clock::time_point polled_{};  // journal thread only
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace popflow::broker
