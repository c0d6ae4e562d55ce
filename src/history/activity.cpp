#include "history/activity.hpp"

namespace popflow::history {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;

// Unix minutes, rounding down also before 1970 (no trigger is, but a clock may be).
std::int64_t minute_of(std::int64_t at_ms) {
  return at_ms >= 0 ? at_ms / kMinuteMs : (at_ms - kMinuteMs + 1) / kMinuteMs;
}

std::size_t bucket_of(std::int64_t minute) {
  const auto n = static_cast<std::int64_t>(Activity::kMinutes);
  return static_cast<std::size_t>(((minute % n) + n) % n);
}

}  // namespace

void Activity::count(std::int64_t at_ms, std::uint32_t ActivityMinute::*what) {
  const auto minute = minute_of(at_ms);
  auto& bucket = minutes_[bucket_of(minute)];
  if (bucket.minute > minute) return;  // older than what this bucket holds now
  if (bucket.minute < minute) bucket = ActivityMinute{minute};
  ++(bucket.*what);
}

void Activity::add_run(std::int64_t at_ms, std::string_view outcome) {
  if (outcome == "executed")
    count(at_ms, &ActivityMinute::executed);
  else if (outcome == "failed")
    count(at_ms, &ActivityMinute::failed);
  else if (outcome == "no_publication" || outcome == "profile_mismatch")
    count(at_ms, &ActivityMinute::unresolved);
  else
    count(at_ms, &ActivityMinute::skipped);
}

std::vector<ActivityMinute> Activity::last_hour(std::int64_t now_ms) const {
  const auto last = minute_of(now_ms);
  std::vector<ActivityMinute> out;
  out.reserve(kMinutes);
  for (auto minute = last - static_cast<std::int64_t>(kMinutes) + 1; minute <= last; ++minute) {
    const auto& bucket = minutes_[bucket_of(minute)];
    out.push_back(bucket.minute == minute ? bucket : ActivityMinute{minute});
  }
  return out;
}

}  // namespace popflow::history
