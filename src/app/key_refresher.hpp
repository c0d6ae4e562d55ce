#pragma once
// Keeps the KeyRegistry in step with the store, so `key revoke` run by the CLI (another
// process) takes effect in a running server within Config::revocation_poll.
//
// It is also the registry's source on demand: a worker meeting a key id the table lacks
// calls refresh() at once (KeyRegistry::find_or_load), so a new key works on first use.
//
// Cost: each refresh is one `PRAGMA data_version` (no disk read when nothing changed); the
// key table is re-read only after another connection committed.
// Threads: the timer runs on the control loop; refresh() also on any worker. `mutex_`
// serialises them over the one store connection, which nothing else uses meanwhile.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>

#include "auth/key_registry.hpp"
#include "store/database.hpp"

namespace popflow::app {

class KeyRefresher : public auth::KeySource {
 public:
  KeyRefresher(boost::asio::io_context& io, store::Database& db, auth::KeyRegistry& registry,
               std::chrono::milliseconds interval);

  void refresh() override;  // now; throws StoreError
  void start();
  void stop() { timer_.cancel(); }

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  store::Database& db_;
  auth::KeyRegistry& registry_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;  // over db_ and seen_version_
  std::int64_t seen_version_ = -1;
};

}  // namespace popflow::app
