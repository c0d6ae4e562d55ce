#pragma once
// One customer's last hour, a minute at a time: triggers received, how many reached a session,
// and the runs agents' clients reported, by outcome. The console's "at a glance" chart reads
// it; Prometheus (/metrics) stays the place for long history and for the server as a whole.
//
// Kept by TriggerHistory under its lock, beside the record it writes anyway: a trigger costs
// one increment, its first delivery another, a run one more. A minute's bucket is reused 60
// minutes later; a count for a minute older than its bucket holds (a late run of a restored
// trigger) is dropped rather than mixed into a newer minute.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace popflow::history {

struct ActivityMinute {
  std::int64_t minute = 0;  // Unix minutes
  std::uint32_t triggers = 0;
  std::uint32_t delivered = 0;   // triggers that reached at least one session
  std::uint32_t executed = 0;    // runs reported "executed"
  std::uint32_t failed = 0;      // "failed"
  std::uint32_t unresolved = 0;  // "no_publication", "profile_mismatch": nothing to run
  std::uint32_t skipped = 0;     // "duplicate", "stale", "superseded"
};

class Activity {
 public:
  static constexpr std::size_t kMinutes = 60;

  void add_trigger(std::int64_t at_ms) { count(at_ms, &ActivityMinute::triggers); }
  void add_delivered(std::int64_t at_ms) { count(at_ms, &ActivityMinute::delivered); }
  void add_run(std::int64_t at_ms, std::string_view outcome);
  // The 60 minutes up to `now_ms`'s, oldest first; a minute with nothing is all zeros.
  std::vector<ActivityMinute> last_hour(std::int64_t now_ms) const;

 private:
  void count(std::int64_t at_ms, std::uint32_t ActivityMinute::*what);
  std::array<ActivityMinute, kMinutes> minutes_{};
};

}  // namespace popflow::history
