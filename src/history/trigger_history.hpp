#pragma once
// Each trigger's story (CONTRACT "Delivery truth"): received, what its event resolved to,
// which sessions it was delivered or queued to, and the runs agents' clients reported. What
// GET /api/triggers/{id}, the admin API's trigger search and Popflow-Wait read.
//
// Bounds: at most Limits::max_entries records and none older than max_age (the oldest go
// first, on every record() and every expire()); at most max_runs runs a trigger. Memory is
// about the message's size plus 0.5 KiB a trigger (100,000 triggers of 1 KiB: ~150 MB).
// Kept in memory only: a restart starts an empty history (the cluster issue moves it to the
// shared store).
//
// Cost: record() is one mutex and a hash insert of a record the caller built (its strings
// moved in); callers build it after the trigger is published, off its critical path.
//
// Threads: every method from any thread; one mutex. Waiters are called on the thread that
// reports the run, outside the lock.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "topics/message.hpp"

namespace popflow::history {

struct Delivery {
  std::string transport;   // "mqtt", "sse"
  std::string subscriber;  // client id, or the SSE stream's token id
  bool queued = false;     // the session was offline
  std::int64_t at_ms = 0;
};

struct Run {
  std::string outcome;   // executed, failed, no_publication, profile_mismatch, duplicate, …
  std::string json;      // the run as reported, validated: {"outcome", "workflow", …}
  std::string reporter;  // the client token's key id
  std::int64_t reported_at_ms = 0;
};

// What the trigger's event resolved to (workflows/resolver.hpp), kept as plain fields: the
// JSON is only made when someone reads the timeline.
struct ResolutionNote {
  std::string workflow_id;  // empty: nothing resolved, see reason
  std::string workflow_name;
  int version = 0;
  std::string_view reason;  // "no_publication", …: a static name (workflows::to_string)
  std::string instance;
  std::string profile;
  std::string did_you_mean;
};

struct TriggerRecord {
  std::string id;
  std::string customer;
  std::string_view channel;  // "CTI", "CRM": a static name
  std::string agent_id;
  std::string event;
  std::optional<std::string> crm_id;
  std::optional<std::string> cti_id;
  std::int64_t received_at_ms = 0;
  bool test = false;  // sent by /api/admin/test-trigger
  ResolutionNote resolution;
  MessagePtr message;  // what was delivered, shared with the subscribers (never copied)
  std::vector<Delivery> deliveries;
  std::vector<Run> runs;
};

struct HistoryLimits {
  std::size_t max_entries = 100'000;
  std::chrono::milliseconds max_age{24LL * 3600 * 1000};
  std::size_t max_runs = 20;
};

struct HistoryQuery {
  std::string customer;
  std::optional<std::string> agent;
  std::optional<std::string> event;
  std::optional<std::int64_t> before_ms;  // received strictly before (paging)
  std::size_t limit = 50;
};

class TriggerHistory {
 public:
  explicit TriggerHistory(HistoryLimits limits = {}) : limits_(limits) {}

  void record(TriggerRecord record, std::int64_t now_ms);
  // A customer's trigger, or nullopt (another customer's is as unknown as none).
  std::optional<TriggerRecord> find(std::string_view id, std::string_view customer) const;
  std::vector<TriggerRecord> recent(const HistoryQuery& query) const;  // newest first

  enum class RunAdded { added, unknown, full };
  RunAdded add_run(std::string_view id, std::string_view customer, Run run);

  // Calls `on_run` once with the trigger's first run: now, when it has one, else on the
  // reporting thread when it comes. Returns 0 when it was called now (or the trigger is
  // unknown: then never), else a ticket for cancel().
  using Waiter = std::function<void(const Run&)>;
  std::uint64_t wait_for_run(std::string_view id, std::string_view customer, Waiter on_run);
  void cancel(std::uint64_t ticket);

  void expire(std::int64_t now_ms);
  std::size_t size() const;

 private:
  void evict(std::int64_t now_ms);  // under mutex_

  HistoryLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TriggerRecord> records_;
  std::deque<std::pair<std::int64_t, std::string>> order_;  // (received_at_ms, id), oldest first
  struct PendingWait {
    std::string id;
    Waiter on_run;
  };
  std::unordered_map<std::uint64_t, PendingWait> waiters_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace popflow::history
