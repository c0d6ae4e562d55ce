#pragma once
// Keeps the KeyRegistry in step with the store, so `key revoke` run by the CLI (another
// process) takes effect in a running server within Config::revocation_poll.
//
// It is also the registry's source on demand: a worker meeting a key id the table lacks
// calls refresh() at once (KeyRegistry::find_or_load), so a new key works on first use.
//
// It also stores when each key was last used (KeyRegistry::use), every `use_flush` and at
// stop(), so the console's "last used" outlives the process and reaches other processes.
//
// Cost: each refresh is one `PRAGMA data_version` (no disk read when nothing changed); the
// key table is re-read only after another connection committed. A flush is one transaction
// updating the keys used since the last one: none when no key was.
// Threads: the timer runs on the control loop; refresh() also on any worker. `mutex_`
// serialises them over the one store connection, which nothing else uses meanwhile.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/key_registry.hpp"
#include "store/database.hpp"

namespace popflow::app {

class KeyRefresher : public auth::KeySource {
 public:
  KeyRefresher(boost::asio::io_context& io, store::Database& db, auth::KeyRegistry& registry,
               std::chrono::milliseconds interval,
               std::chrono::milliseconds use_flush = std::chrono::seconds(30));

  void refresh() override;  // now; throws StoreError
  void store_uses();        // now; throws StoreError
  void start();
  void stop();  // cancels the timer and stores the uses not stored yet; may be called again

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds use_flush_;
  std::chrono::steady_clock::time_point flushed_at_;
  store::Database& db_;
  auth::KeyRegistry& registry_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;  // over db_, seen_version_ and stored_uses_
  std::int64_t seen_version_ = -1;
  std::unordered_map<std::string, std::int64_t> stored_uses_;  // key id → last use stored
};

}  // namespace popflow::app
