#include "admin/admin_service.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "core/log.hpp"
#include "store/customer_store.hpp"

namespace popflow::admin {

AdminService::AdminService(const Config& config, std::string secret,
                           const store::StoreLocation& location, net::Metrics& metrics)
    : config_(config),
      secret_(std::move(secret)),
      db_(location.open()),
      store_(db_, store::node_name(location.data_dir)),
      sessions_(
          {.idle = std::chrono::ceil<std::chrono::seconds>(config.console_session_idle),
           .absolute = std::chrono::ceil<std::chrono::seconds>(config.console_session_lifetime)}),
      metrics_(metrics),
      work_(io_.get_executor()),
      poll_timer_(io_) {}

AdminService::~AdminService() {
  stop();
}

void AdminService::set_catalog_listener(std::function<void(store::Store&)> listener) {
  listener_ = std::move(listener);
}

void AdminService::start() {
  data_version_ = store_.data_version();
  if (listener_) listener_(store_);
  thread_ = std::thread([this] {
    poll();
    io_.run();
  });
}

void AdminService::stop() {
  if (!thread_.joinable()) return;
  // On the service's thread: a poll that already fired and waits in the queue must not
  // re-arm the timer after the cancel, or run() never returns.
  boost::asio::post(io_, [this] {
    stopping_ = true;
    poll_timer_.cancel();
  });
  work_.reset();
  thread_.join();
}

void AdminService::post(std::function<void()> job) {
  boost::asio::post(io_, [this, job = std::move(job)] {
    try {
      job();
    } catch (const std::exception& error) {
      // Jobs answer their own failures; this is the backstop that keeps the thread alive.
      log::error("admin job failed", {{"error", error.what()}});
    }
    apply_changes();
  });
}

void AdminService::apply_changes() {
  if (std::exchange(keys_dirty_, false) && keys_listener_) keys_listener_();
  if (!catalog_dirty_ || !listener_) return;
  catalog_dirty_ = false;
  try {
    listener_(store_);
    data_version_ = store_.data_version();
  } catch (const std::exception& error) {
    log::error("reloading the workflow catalog failed", {{"error", error.what()}});
  }
}

bool AdminService::customer_disabled(const std::string& customer) {
  const auto found = store::CustomerStore(db_).find(customer);
  return found && found->disabled_at;
}

// Another process (the CLI) committed: the model may have changed under us.
void AdminService::poll() {
  poll_timer_.expires_after(config_.revocation_poll);
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    try {
      if (const auto version = store_.data_version(); version != data_version_) {
        data_version_ = version;
        catalog_dirty_ = true;
        apply_changes();
      }
    } catch (const std::exception& error) {
      log::warn("polling the store failed", {{"error", error.what()}});
    }
    poll();
  });
}

}  // namespace popflow::admin
