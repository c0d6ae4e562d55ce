#include "app/key_refresher.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>

#include "core/log.hpp"
#include "store/customer_store.hpp"
#include "store/key_store.hpp"

namespace popflow::app {

namespace asio = boost::asio;

KeyRefresher::KeyRefresher(const store::StoreLocation& location, auth::KeyRegistry& registry,
                           std::chrono::milliseconds interval, std::chrono::milliseconds use_flush)
    : location_(location),
      db_(location.open()),
      registry_(registry),
      interval_(interval),
      use_flush_(use_flush),
      flushed_at_(std::chrono::steady_clock::now()),
      work_(io_.get_executor()),
      timer_(io_) {}

KeyRefresher::~KeyRefresher() {
  stop();
}

void KeyRefresher::reload() {
  std::lock_guard lock(mutex_);
  const auto version = db_.data_version();
  if (version == seen_version_) return;
  registry_.replace(store::KeyStore(db_).list(), store::CustomerStore(db_).disabled_ids());
  seen_version_ = version;
  log::debug("keys loaded", {{"keys", registry_.size()}});
}

void KeyRefresher::refresh() {
  if (location_.engine == store::Engine::sqlite) return reload();
  asio::post(io_, [this] { reload_logged(); });
}

void KeyRefresher::reload_logged() {
  try {
    reload();
    if (reachable_) reachable_->store(true, std::memory_order_relaxed);
  } catch (const store::StoreUnavailable& e) {
    if (reachable_ && reachable_->exchange(false, std::memory_order_relaxed))
      log::warn("the store is unreachable: known keys keep working, admin requests get 503",
                {{"error", e.what()}});
  } catch (const std::exception& e) {
    // A locked or unreachable store: keep the last table, try again next time.
    log::warn("key refresh failed", {{"error", e.what()}});
  }
}

void KeyRefresher::store_uses() {
  std::lock_guard lock(mutex_);
  std::vector<auth::KeyUse> fresh;
  for (auto& use : registry_.uses())
    if (auto& stored = stored_uses_[use.key_id]; stored < use.at) fresh.push_back(std::move(use));
  if (fresh.empty()) return;
  store::KeyStore keys(db_);
  db_.begin(store::Transaction::quiet);
  try {
    for (const auto& use : fresh) keys.note_use(use.key_id, use.at);
    db_.exec("COMMIT");
  } catch (...) {
    store::roll_back(db_);
    throw;
  }
  for (const auto& use : fresh) stored_uses_[use.key_id] = use.at;
  // Not a change anyone reloads for (SQLite: our own commit does not move our data_version;
  // PostgreSQL: last_used_at moves no counter).
}

void KeyRefresher::start() {
  if (location_.engine == store::Engine::postgresql) listen();
  schedule();
  thread_ = std::thread([this] { io_.run(); });
}

void KeyRefresher::stop() {
  if (thread_.joinable()) {
    asio::post(io_, [this] {
      stopping_ = true;  // a poll that fired before the cancel must not schedule another
      timer_.cancel();
      socket_.reset();
      listener_.reset();
      work_.reset();
    });
    thread_.join();
  }
  try {
    store_uses();
  } catch (const std::exception& e) {
    log::warn("storing when keys were last used failed", {{"error", e.what()}});
  }
}

void KeyRefresher::listen() {
  socket_.reset();
  listener_.reset();
  try {
    listener_ = std::make_unique<store::ChangeListener>(location_.url, location_.redacted);
    const int fd = ::dup(listener_->socket());  // the descriptor closes its own copy
    if (fd < 0) throw store::StoreError("dup of the listening socket failed");
    socket_ = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
  } catch (const std::exception& e) {
    listener_.reset();
    log::warn("not listening to the store's changes; polling until it answers",
              {{"error", e.what()}});
    return;
  }
  // What changed while nobody listened.
  reload_logged();
  wait_for_changes();
}

void KeyRefresher::wait_for_changes() {
  socket_->async_wait(
      asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
        if (ec || !listener_) return;
        try {
          if (listener_->changed()) reload_logged();
        } catch (const std::exception& e) {
          log::warn("the store's change notifications stopped; polling", {{"error", e.what()}});
          socket_.reset();
          listener_.reset();
          return;
        }
        wait_for_changes();
      });
}

void KeyRefresher::schedule() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    if (location_.engine == store::Engine::postgresql && !listener_) listen();
    reload_logged();
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
