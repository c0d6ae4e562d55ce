#include "net/worker.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <boost/asio/post.hpp>

namespace popflow::net {

Worker::Worker(unsigned index, ServerState& state)
    : index_(index),
      state_(state),
      authenticator_(state.secret, state.keys, state.config.token_cache_entries),
      shedder_(state.config.overload_lag) {}

void Worker::start_timers() {
  if (state_.config.overload_lag.count() > 0) probe_lag();
  tick_slice();
}

// Every 50 ms: how late did the timer fire? That is how long a new event waits here.
void Worker::probe_lag() {
  constexpr auto kInterval = std::chrono::milliseconds(50);
  lag_due_ = std::chrono::steady_clock::now() + kInterval;
  lag_timer_.expires_at(lag_due_);
  lag_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || timers_stopped_) return;
    shedder_.observe(std::chrono::steady_clock::now() - lag_due_);
    probe_lag();
  });
}

std::string Worker::next_request_id() {
  return fmt::format(FMT_COMPILE("{:x}-{:x}"), index_, ++next_id_);  // one per request
}

std::uint64_t Worker::add(std::weak_ptr<Drainable> connection) {
  const auto id = ++next_id_;
  slices_[id % kTickSlices].emplace(id, std::move(connection));
  return id;
}

void Worker::tick_slice() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || timers_stopped_) return;
    // A tick may close its connection, whose destructor erases it from the slice: the slice
    // is copied out (as strong references, reused storage) before any tick runs.
    for (auto& [id, weak] : slices_[next_slice_])
      if (auto connection = weak.lock()) ticking_.push_back(std::move(connection));
    next_slice_ = (next_slice_ + 1) % kTickSlices;
    const auto now = std::chrono::steady_clock::now();
    for (auto& connection : ticking_) connection->tick(now);
    ticking_.clear();
    tick_slice();
  });
}

void Worker::schedule_flush(std::weak_ptr<Flushable> target) {
  std::lock_guard lock(flush_mutex_);
  flush_queue_.push_back(std::move(target));
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(io_, [this] { run_flushes(); });
}

void Worker::run_flushes() {
  std::vector<std::weak_ptr<Flushable>> batch;
  {
    std::lock_guard lock(flush_mutex_);
    batch.swap(flush_queue_);
    flush_posted_ = false;
  }
  for (auto& weak : batch)
    if (auto target = weak.lock()) target->flush_now();
}

void Worker::drain_all() {
  // drain() may close a connection, whose destructor calls remove(): iterate a copy.
  for (auto slice : slices_)
    for (auto& [id, weak] : slice)
      if (auto connection = weak.lock()) connection->drain();
}

}  // namespace popflow::net
