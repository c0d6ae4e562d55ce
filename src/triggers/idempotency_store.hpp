#pragma once
// Idempotent triggers: a telephony platform that retries a trigger (a timeout, a lost
// answer) with the same Idempotency-Key header or messageId field gets the first answer
// back, and the screen pop is not published twice.
//
// Keys are scoped by API key id, so two platforms cannot collide or probe each other's
// keys. Entries live for the window (default 10 min); at most `max_entries` are kept, the
// oldest evicted first, so a flood of distinct keys cannot grow memory.
//
// Threads: shared by every worker; one mutex (a lookup and an insert per keyed trigger).
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace popflow::triggers {

class IdempotencyStore {
 public:
  using Clock = std::chrono::steady_clock;

  IdempotencyStore(std::chrono::milliseconds window, std::size_t max_entries);

  struct Claim {
    enum class State { first, replay, in_progress } state;
    std::string answer;  // the stored response body, for replay
  };
  // The first caller of a key claims it; later callers get its answer, or in_progress
  // while the first is still being handled.
  Claim claim(const std::string& scope, const std::string& key, Clock::time_point now);
  // The claimed trigger succeeded: keep its answer for the window.
  void complete(const std::string& scope, const std::string& key, std::string answer);
  // The claimed trigger failed: forget it, so a corrected retry is handled afresh.
  void release(const std::string& scope, const std::string& key);

 private:
  struct Entry {
    std::optional<std::string> answer;  // nullopt while in progress
    Clock::time_point expires;
  };
  void evict(Clock::time_point now);  // with mutex_ held

  std::chrono::milliseconds window_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<Clock::time_point, std::string>> order_;  // by expiry, for eviction
};

}  // namespace popflow::triggers
