#include "history/trigger_history.hpp"

namespace popflow::history {

void TriggerHistory::record(TriggerRecord record, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  order_.emplace_back(record.received_at_ms, record.id);
  auto id = record.id;
  records_.insert_or_assign(std::move(id), std::move(record));
  evict(now_ms);
}

void TriggerHistory::evict(std::int64_t now_ms) {
  const auto oldest_kept = now_ms - limits_.max_age.count();
  while (!order_.empty() &&
         (records_.size() > limits_.max_entries || order_.front().first < oldest_kept)) {
    records_.erase(order_.front().second);
    order_.pop_front();
  }
}

void TriggerHistory::expire(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  evict(now_ms);
}

std::optional<TriggerRecord> TriggerHistory::find(std::string_view id,
                                                  std::string_view customer) const {
  std::lock_guard lock(mutex_);
  const auto found = records_.find(std::string(id));
  if (found == records_.end() || found->second.customer != customer) return std::nullopt;
  return found->second;
}

// O(entries scanned): newest first until `limit` match. Support engineers' searches, not
// a hot path; a customer's triggers among many others' cost a longer scan.
std::vector<TriggerRecord> TriggerHistory::recent(const HistoryQuery& query) const {
  std::vector<TriggerRecord> out;
  std::lock_guard lock(mutex_);
  for (auto entry = order_.rbegin(); entry != order_.rend() && out.size() < query.limit; ++entry) {
    if (query.before_ms && entry->first >= *query.before_ms) continue;
    const auto found = records_.find(entry->second);
    if (found == records_.end()) continue;
    const auto& record = found->second;
    if (record.customer != query.customer) continue;
    if (query.agent && record.agent_id != *query.agent) continue;
    if (query.event && record.event != *query.event) continue;
    out.push_back(record);
  }
  return out;
}

TriggerHistory::RunAdded TriggerHistory::add_run(std::string_view id, std::string_view customer,
                                                 Run run) {
  std::vector<Waiter> woken;
  {
    std::lock_guard lock(mutex_);
    const auto found = records_.find(std::string(id));
    if (found == records_.end() || found->second.customer != customer) return RunAdded::unknown;
    auto& runs = found->second.runs;
    if (runs.size() >= limits_.max_runs) return RunAdded::full;
    runs.push_back(run);
    if (runs.size() == 1) {
      std::erase_if(waiters_, [&](auto& entry) {
        if (entry.second.id != id) return false;
        woken.push_back(std::move(entry.second.on_run));
        return true;
      });
    }
  }
  for (auto& on_run : woken) on_run(run);
  return RunAdded::added;
}

std::uint64_t TriggerHistory::wait_for_run(std::string_view id, std::string_view customer,
                                           Waiter on_run) {
  std::optional<Run> first;
  {
    std::lock_guard lock(mutex_);
    const auto found = records_.find(std::string(id));
    if (found == records_.end() || found->second.customer != customer) return 0;
    if (found->second.runs.empty()) {
      const auto ticket = next_ticket_++;
      waiters_.emplace(ticket, PendingWait{std::string(id), std::move(on_run)});
      return ticket;
    }
    first = found->second.runs.front();
  }
  on_run(*first);
  return 0;
}

void TriggerHistory::cancel(std::uint64_t ticket) {
  Waiter dropped;  // destroyed outside the lock: it may own the last reference to a session
  std::lock_guard lock(mutex_);
  if (auto found = waiters_.find(ticket); found != waiters_.end()) {
    dropped = std::move(found->second.on_run);
    waiters_.erase(found);
  }
}

std::size_t TriggerHistory::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

}  // namespace popflow::history
