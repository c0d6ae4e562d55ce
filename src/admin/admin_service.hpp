#pragma once
// The admin API's engine: one thread that owns a store connection for admin work. Each
// admin request's job runs there, one at a time, so handlers block on the store without
// holding up an event loop, and a check and the write it guards never race another
// admin write of this process (Store::write() covers other processes).
//
// After a write that changed the workflow model, and whenever the store's data_version
// moves (a CLI `workflow import`), the catalog listener reloads what triggers resolve
// against (workflows/resolver.hpp), on this thread, off every loop.
//
// Threads: post() from any thread; the rest from jobs on the store thread, except the
// console sessions and the login throttle, which are thread-safe.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "admin/console_sessions.hpp"
#include "admin/login_throttle.hpp"
#include "core/config.hpp"
#include "net/metrics.hpp"
#include "store/database.hpp"
#include "store/location.hpp"
#include "store/sql_store.hpp"

namespace popflow::admin {

class AdminService {
 public:
  // Opens its own connection to the store.
  AdminService(const Config& config, std::string secret, const store::StoreLocation& location,
               net::Metrics& metrics);
  ~AdminService();

  // Called on the store thread with the store whenever the model may have changed.
  void set_catalog_listener(std::function<void(store::Store&)> listener);
  // Called on the store thread after a job revoked or rotated a key, once its transaction
  // is in, before the answer: the server's key registry reads it at once, not at its next
  // poll.
  void set_keys_listener(std::function<void()> listener) { keys_listener_ = std::move(listener); }
  void keys_changed() { keys_dirty_ = true; }
  void start();
  void stop();  // finishes the jobs already posted
  void post(std::function<void()> job);

  const Config& config() const { return config_; }
  const std::string& secret() const { return secret_; }
  store::Database& db() { return db_; }
  store::Store& store() { return store_; }
  // A job that changed the model says so; the listener runs once the job is done, or
  // earlier when the job calls apply_changes() itself.
  void catalog_changed() { catalog_dirty_ = true; }
  // Runs the listeners of what changed (the model, keys), now. A job that answers a request
  // calls it before answering, so a trigger sent after the answer meets the change.
  void apply_changes();
  // Whether an operator disabled this customer (its users may not sign in or act).
  bool customer_disabled(const std::string& customer);
  ConsoleSessions& sessions() { return sessions_; }
  LoginThrottle& throttle() { return throttle_; }
  net::Metrics& metrics() { return metrics_; }

 private:
  void poll();

  const Config& config_;
  std::string secret_;
  store::Database db_;
  store::SqlStore store_;
  ConsoleSessions sessions_;
  LoginThrottle throttle_;
  net::Metrics& metrics_;
  std::function<void(store::Store&)> listener_;
  std::function<void()> keys_listener_;
  bool catalog_dirty_ = false;
  bool keys_dirty_ = false;
  bool stopping_ = false;  // set on the service's thread by stop()
  std::int64_t data_version_ = 0;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer poll_timer_;
  std::thread thread_;
};

}  // namespace popflow::admin
