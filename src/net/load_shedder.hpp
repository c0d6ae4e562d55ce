#pragma once
// Overload: when an event loop falls behind, new triggers get 503 with Retry-After at once
// instead of queueing behind the backlog with ever-growing latency (a late screen pop is
// worth nothing, and the platform can retry on another node).
//
// How far behind a loop is shows in how late its own timer fires. The shedder switches on
// when the lag passes the threshold and off only when it is back under half of it, so it
// does not flap around the limit.
//
// Threads: one per worker, used only on that worker's thread.
#include <chrono>

namespace popflow::net {

class LoadShedder {
 public:
  using Duration = std::chrono::steady_clock::duration;

  explicit LoadShedder(Duration threshold) : threshold_(threshold) {}

  // Feeds one measurement: how late the loop's timer fired.
  void observe(Duration lag) {
    if (threshold_ == Duration::zero()) return;  // disabled
    if (lag > threshold_)
      shedding_ = true;
    else if (lag < threshold_ / 2)
      shedding_ = false;
  }
  bool shedding() const { return shedding_; }

 private:
  Duration threshold_;
  bool shedding_ = false;
};

}  // namespace popflow::net
