#pragma once
// One event loop and what belongs to it alone. A connection lives its whole life on the
// worker that accepted it, so nothing here needs a lock (see docs/threading.md).
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "net/load_shedder.hpp"
#include "net/server_state.hpp"

namespace popflow::net {

// A connection registered with its worker: asked to wind down at shutdown, and given the
// time about once a second for what it checks on a clock (keep-alive, its credential).
class Drainable {
 public:
  virtual ~Drainable() = default;
  // Finish the request in flight, if any, then close. Called on the worker's thread.
  virtual void drain() = 0;
  // On the worker's thread, about once a second while the worker runs (Worker::tick_slice).
  virtual void tick(std::chrono::steady_clock::time_point /*now*/) {}
};

// A connection with deliveries waiting, flushed on its worker's thread.
class Flushable {
 public:
  virtual ~Flushable() = default;
  virtual void flush_now() = 0;  // on the worker's thread
};

class Worker {
 public:
  Worker(unsigned index, ServerState& state);

  boost::asio::io_context& io() { return io_; }
  ServerState& state() { return state_; }
  auth::Authenticator& authenticator() { return authenticator_; }
  unsigned index() const { return index_; }

  // True while this loop is too far behind to take new triggers (see load_shedder.hpp).
  bool overloaded() const { return shedder_.shedding(); }
  // The lag probe and the connections' ticks.
  void start_timers();
  // At shutdown, so the loop can run dry. The flag stops a timer that fired but has not run
  // yet from re-arming after the cancel.
  void stop_timers() {
    timers_stopped_ = true;
    lag_timer_.cancel();
    tick_timer_.cancel();
  }

  // Where readiness-based connections read (see Transport::wait_readable): one buffer per
  // loop, used only inside a handler, so idle connections need none of their own.
  std::vector<std::uint8_t>& read_scratch() { return read_scratch_; }

  // "<worker>-<counter>" in hex: unique per process without any shared counter.
  std::string next_request_id();

  // Any thread: have `target` flushed on this worker soon. Publishers reach many
  // connections of one worker per trigger (fan-out); they share one post and one wake-up
  // of the loop instead of one each.
  void schedule_flush(std::weak_ptr<Flushable> target);

  // Connections register while open so drain_all() and the ticks can reach them.
  std::uint64_t add(std::weak_ptr<Drainable> connection);
  void remove(std::uint64_t id) { slices_[id % kTickSlices].erase(id); }
  void drain_all();

 private:
  unsigned index_;
  ServerState& state_;
  boost::asio::io_context io_{1};  // one thread runs it: Asio may skip its own locking
  auth::Authenticator authenticator_;
  std::uint64_t next_id_ = 0;
  std::vector<std::uint8_t> read_scratch_ = std::vector<std::uint8_t>(64 * 1024);

  void run_flushes();
  void probe_lag();
  void tick_slice();
  LoadShedder shedder_;
  boost::asio::steady_timer lag_timer_{io_};
  std::chrono::steady_clock::time_point lag_due_;
  std::mutex flush_mutex_;  // guards the two below (publisher threads)
  std::vector<std::weak_ptr<Flushable>> flush_queue_;
  bool flush_posted_ = false;
  bool timers_stopped_ = false;
  // One timer for every connection's tick instead of a timer each (a pending wait costs
  // ~200 bytes per idle connection, and 10k re-arms a second). The connections are in
  // kTickSlices slices by id, one slice ticked every second / kTickSlices, so 10k
  // connections are ticked ~1,250 at a time rather than all in one burst.
  static constexpr std::size_t kTickSlices = 8;
  static constexpr std::chrono::milliseconds kTickInterval{1000 / kTickSlices};
  static_assert(kTickInterval.count() > 0, "a zero interval would spin the loop");
  using Slice = std::unordered_map<std::uint64_t, std::weak_ptr<Drainable>>;
  std::array<Slice, kTickSlices> slices_;
  std::size_t next_slice_ = 0;
  boost::asio::steady_timer tick_timer_{io_};
  std::vector<std::shared_ptr<Drainable>> ticking_;  // kept for its capacity
};

}  // namespace popflow::net
