#pragma once
// Keeps the KeyRegistry in step with the store, so `key revoke` run by the CLI (another
// process) or by another node takes effect here: within Config::revocation_poll by polling,
// and within milliseconds with PostgreSQL, whose changes are announced (LISTEN
// popflow_changes, store/postgres_listener.hpp); the poll is then the fallback for a
// notification missed while the listening connection was down.
//
// It is also the registry's source on demand: a worker meeting a key id the table lacks
// calls refresh() (KeyRegistry::find_or_load). With SQLite that reads the table at once, so a
// new key works on first use; with PostgreSQL a worker never waits on the network: refresh()
// asks this refresher's thread to read, and the key works from then on (a key issued on
// this node is read before its answer, one issued elsewhere as its notification arrives).
//
// It also stores when each key was last used (KeyRegistry::use), every `use_flush` and at
// stop(), so the console's "last used" outlives the process and reaches other processes.
//
// Cost: each poll is one data_version read (SQLite: no disk read when nothing changed); the
// key table is re-read only after a commit. A flush is one transaction updating the keys
// used since the last one: none when no key was.
// Threads: its own (timers, the listener, reads asked for by workers); reload() also from
// others (the admin service's store thread). `mutex_` serialises them over the one store
// connection, which nothing else uses.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "auth/key_registry.hpp"
#include "store/location.hpp"
#include "store/postgres_listener.hpp"

namespace popflow::app {

class KeyRefresher : public auth::KeySource {
 public:
  // Opens its own connection to the store (throws StoreError).
  KeyRefresher(const store::StoreLocation& location, auth::KeyRegistry& registry,
               std::chrono::milliseconds interval,
               std::chrono::milliseconds use_flush = std::chrono::seconds(30));
  ~KeyRefresher() override;

  void reload();            // now, on the calling thread; throws StoreError
  void refresh() override;  // a worker's: reload() with SQLite, asked of the thread with PostgreSQL
  void store_uses();        // now; throws StoreError
  void start();
  void stop();  // ends the thread and stores the uses not stored yet; may be called again
  // Set false while the store cannot be reached (a read failed with StoreUnavailable), true
  // again once a read succeeds: what /readyz reports. Before start().
  void report_reachability(std::atomic<bool>& reachable) { reachable_ = &reachable; }

 private:
  void schedule();
  void listen();  // (re)connects the listener; on failure the next poll tries again
  void wait_for_changes();
  void reload_logged();

  store::StoreLocation location_;
  store::Database db_;
  auth::KeyRegistry& registry_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds use_flush_;
  std::chrono::steady_clock::time_point flushed_at_;
  std::mutex mutex_;  // over db_, seen_version_ and stored_uses_
  std::int64_t seen_version_ = -1;
  std::unordered_map<std::string, std::int64_t> stored_uses_;  // key id → last use stored

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer timer_;
  bool stopping_ = false;  // the thread's own: set by stop()
  std::atomic<bool>* reachable_ = nullptr;
  std::unique_ptr<store::ChangeListener> listener_;                // PostgreSQL only, while up
  std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;  // a dup of its socket
  std::thread thread_;
};

}  // namespace popflow::app
