#include "app/key_refresher.hpp"

#include "core/log.hpp"
#include "store/key_store.hpp"

namespace popflow::app {

KeyRefresher::KeyRefresher(boost::asio::io_context& io, store::Database& db,
                           auth::KeyRegistry& registry, std::chrono::milliseconds interval)
    : timer_(io), db_(db), registry_(registry), interval_(interval) {}

void KeyRefresher::refresh() {
  std::lock_guard lock(mutex_);
  const auto version = db_.data_version();
  if (version == seen_version_) return;
  registry_.replace(store::KeyStore(db_).list());
  seen_version_ = version;
  log::debug("keys loaded", {{"keys", registry_.size()}});
}

void KeyRefresher::start() {
  schedule();
}

void KeyRefresher::schedule() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    try {
      refresh();
    } catch (const std::exception& e) {
      // A locked or briefly unreadable store: keep the last table, try again next time.
      log::warn("key refresh failed", {{"error", e.what()}});
    }
    schedule();
  });
}

}  // namespace popflow::app
