#include "app/key_refresher.hpp"

#include "core/log.hpp"
#include "store/customer_store.hpp"
#include "store/key_store.hpp"

namespace popflow::app {

KeyRefresher::KeyRefresher(boost::asio::io_context& io, store::Database& db,
                           auth::KeyRegistry& registry, std::chrono::milliseconds interval,
                           std::chrono::milliseconds use_flush)
    : timer_(io),
      use_flush_(use_flush),
      flushed_at_(std::chrono::steady_clock::now()),
      db_(db),
      registry_(registry),
      interval_(interval) {}

void KeyRefresher::refresh() {
  std::lock_guard lock(mutex_);
  const auto version = db_.data_version();
  if (version == seen_version_) return;
  registry_.replace(store::KeyStore(db_).list(), store::CustomerStore(db_).disabled_ids());
  seen_version_ = version;
  log::debug("keys loaded", {{"keys", registry_.size()}});
}

void KeyRefresher::store_uses() {
  std::lock_guard lock(mutex_);
  std::vector<auth::KeyUse> fresh;
  for (auto& use : registry_.uses())
    if (auto& stored = stored_uses_[use.key_id]; stored < use.at) fresh.push_back(std::move(use));
  if (fresh.empty()) return;
  store::KeyStore keys(db_);
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const auto& use : fresh) keys.note_use(use.key_id, use.at);
    db_.exec("COMMIT");
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
  for (const auto& use : fresh) stored_uses_[use.key_id] = use.at;
  // Our own commit does not move our data_version; the next refresh need not re-read.
}

void KeyRefresher::start() {
  schedule();
}

void KeyRefresher::stop() {
  timer_.cancel();
  try {
    store_uses();
  } catch (const std::exception& e) {
    log::warn("storing when keys were last used failed", {{"error", e.what()}});
  }
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
    if (const auto now = std::chrono::steady_clock::now(); now - flushed_at_ >= use_flush_) {
      flushed_at_ = now;
      try {
        store_uses();
      } catch (const std::exception& e) {
        log::warn("storing when keys were last used failed", {{"error", e.what()}});
      }
    }
    schedule();
  });
}

}  // namespace popflow::app
