#include "tracker.hpp"

namespace bench {

std::optional<std::uint64_t> find_seq(std::string_view payload) {
  auto at = payload.find("\"seq\":");
  if (at == std::string_view::npos) return std::nullopt;
  at += 6;
  while (at < payload.size() && payload[at] == ' ') ++at;
  std::uint64_t v = 0;
  std::size_t digits = 0;
  for (; at < payload.size() && payload[at] >= '0' && payload[at] <= '9'; ++at, ++digits)
    v = v * 10 + static_cast<std::uint64_t>(payload[at] - '0');
  if (digits == 0) return std::nullopt;
  return v;
}

void Tracker::on_sent(Clock::time_point now) {
  sent_at_.push_back(now.time_since_epoch().count());
  outstanding_copies_.push_back(copies_);
  ++outstanding_;
  ++stats_.sent;
}

void Tracker::unsend() {
  sent_at_.pop_back();
  outstanding_copies_.pop_back();
  --outstanding_;
  --stats_.sent;
}

void Tracker::on_received(std::uint64_t seq, Clock::time_point now) {
  if (seq >= sent_at_.size()) {
    ++stats_.unknown;
    return;
  }
  if (outstanding_copies_[seq] == 0) {
    ++stats_.duplicates;
    return;
  }
  ++stats_.copies;
  stats_.latency.record(static_cast<std::uint64_t>(now.time_since_epoch().count() - sent_at_[seq]));
  if (--outstanding_copies_[seq] == 0) {
    --outstanding_;
    ++stats_.completed;
    last_completed_ = now;
    if (on_completed) on_completed();
  }
}

void Tracker::on_payload(std::string_view payload) {
  if (auto seq = find_seq(payload))
    on_received(*seq, Clock::now());
  else
    ++stats_.unknown;
}

void Tracker::begin_phase(Clock::time_point now) {
  stats_ = PhaseStats{};
  phase_first_seq_ = sent_at_.size();
  phase_start_ = now;
  last_completed_ = now;
}

PhaseStats Tracker::end_phase(Clock::time_point phase_end) {
  PhaseStats out = stats_;
  for (auto seq = phase_first_seq_; seq < outstanding_copies_.size(); ++seq)
    if (outstanding_copies_[seq] > 0) ++out.missing;
  auto end = std::max(phase_end, last_completed_);
  out.elapsed_s = std::chrono::duration<double>(end - phase_start_).count();
  return out;
}

}  // namespace bench
