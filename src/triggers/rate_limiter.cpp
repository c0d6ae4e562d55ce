#include "triggers/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace popflow::triggers {

RateLimiter::RateLimiter(std::size_t rate_per_second, std::size_t burst)
    : rate_(static_cast<double>(rate_per_second)),
      burst_(static_cast<double>(std::max<std::size_t>(burst, 1))) {}

std::optional<std::chrono::milliseconds> RateLimiter::acquire(const std::string& key_id,
                                                              Clock::time_point now) {
  if (rate_ == 0) return std::nullopt;
  auto& shard = shards_[std::hash<std::string>{}(key_id) % kShards];
  std::lock_guard lock(shard.mutex);
  auto [it, fresh] = shard.buckets.try_emplace(key_id, Bucket{burst_, now});
  auto& bucket = it->second;
  if (!fresh) {
    const std::chrono::duration<double> elapsed = now - bucket.refilled;
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
    bucket.refilled = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  const double wait_seconds = (1 - bucket.tokens) / rate_;
  return std::chrono::milliseconds(static_cast<long>(std::ceil(wait_seconds * 1000)));
}

}  // namespace popflow::triggers
