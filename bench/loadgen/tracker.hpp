#pragma once
// Matches every delivered copy to the trigger that caused it, by a sequence number the load
// generator puts in each trigger's data ("seq": N; the server passes interaction data
// through, nchan and mosquitto carry the payload as is). Gives end-to-end latency (request
// sent to message received, one clock, one process) and exactly-once accounting: a copy
// beyond the expected number is a duplicate, a trigger short of it at the end is missing.
// Single-threaded: publishers and subscribers of one run share one io_context thread.
#include "histogram.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// Finds `"seq":123` (or `"seq": 123`) in a payload.
std::optional<std::uint64_t> find_seq(std::string_view payload);

struct PhaseStats {
  std::uint64_t sent = 0, completed = 0, copies = 0, duplicates = 0, missing = 0, unknown = 0;
  double elapsed_s = 0;  // phase start to the last completed trigger (at least the phase)
  Histogram latency;
};

class Tracker {
 public:
  explicit Tracker(std::uint32_t copies_per_trigger) : copies_(copies_per_trigger) {}

  std::uint64_t next_seq() const { return sent_at_.size(); }
  void on_sent(Clock::time_point now);
  void unsend();  // takes back the last on_sent: no connection was free to carry it
  void on_received(std::uint64_t seq, Clock::time_point now);
  void on_payload(std::string_view payload);  // find_seq + on_received, counts unknowns
  std::uint64_t outstanding() const { return outstanding_; }

  void begin_phase(Clock::time_point now);
  PhaseStats end_phase(Clock::time_point phase_end);

  std::function<void()> on_completed;  // a trigger got all its copies (drives saturation)

 private:
  std::uint32_t copies_;
  std::vector<std::int64_t> sent_at_;              // ns since clock epoch, by seq
  std::vector<std::uint32_t> outstanding_copies_;  // by seq
  std::uint64_t outstanding_ = 0;
  std::uint64_t phase_first_seq_ = 0;
  Clock::time_point phase_start_, last_completed_;
  PhaseStats stats_;
};

}  // namespace bench
