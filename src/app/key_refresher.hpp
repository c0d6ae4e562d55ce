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
#include "store/key_store.hpp"

namespace popflow::app {

// One key read from the store on demand (KeyRegistry::find_or_load), on its own connection:
// the refresher's belongs to the control loop, and this one is used by whichever worker meets
// a new key (the registry serialises the calls).
class StoreKeySource : public auth::KeySource {
 public:
  explicit StoreKeySource(const std::string& path) : db_(path) {}
  std::optional<store::KeyRecord> find(const std::string& key_id) override {
    return store::KeyStore(db_).find(key_id);
  }

 private:
  store::Database db_;
};

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
