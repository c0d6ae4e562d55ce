#pragma once
// Per-API-key rate limit: a token bucket per key id, refilled at `rate` per second up to
// `burst`. Over the limit, a trigger gets 429 with Retry-After instead of being
// published, so one misconfigured platform cannot flood its agents or starve others.
//
// Threads: shared by every worker. Buckets are spread over kShards mutexes by key id,
// so workers rarely contend; a check is one hash, one lock and a few arithmetic ops.
// Memory: one bucket per key that has sent a trigger (keys are few and known).
#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace popflow::triggers {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(std::size_t rate_per_second, std::size_t burst);

  // nullopt when the trigger may go; otherwise how long until it would.
  std::optional<std::chrono::milliseconds> acquire(const std::string& key_id,
                                                   Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;

  double rate_;
  double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace popflow::triggers
