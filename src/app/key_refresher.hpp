#pragma once
// Keeps the KeyRegistry in step with the store, so `key revoke` run by the CLI (another
// process) takes effect in a running server within Config::revocation_poll.
//
// Cost: each poll is one `PRAGMA data_version` (no disk read when nothing changed); the
// key table is re-read only after another connection committed.
// Threads: runs on the control loop, which owns the store connection.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "auth/key_registry.hpp"
#include "store/database.hpp"

namespace popflow::app {

class KeyRefresher {
 public:
  KeyRefresher(boost::asio::io_context& io, store::Database& db, auth::KeyRegistry& registry,
               std::chrono::milliseconds interval);

  void refresh();  // now; throws StoreError
  void start();
  void stop() { timer_.cancel(); }

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  store::Database& db_;
  auth::KeyRegistry& registry_;
  std::chrono::milliseconds interval_;
  std::int64_t seen_version_ = -1;
};

}  // namespace popflow::app
