#pragma once
// Each trigger's story (CONTRACT "Delivery truth"): received, what its event resolved to,
// which sessions it was delivered or queued to, and the runs agents' clients reported. What
// GET /api/triggers/{id}, the admin API's trigger search and Popflow-Wait read.
//
// Bounds: a ring of at most HistoryLimits::max_entries records (the oldest is overwritten),
// none older than max_age (expire(), once a second, frees them); at most max_runs runs a
// trigger. Memory: about the message's size plus 0.25 KiB a trigger, for max_entries of them.
// Kept in memory; serve saves it to the store on a graceful stop and restores it at start
// (app/saved_timelines.hpp). The cluster issue moves it to the shared store.
//
// Cost: record() writes a trigger into the oldest slot: a few numbers and one text buffer
// holding every field, the message and the deliveries back to back, whose capacity the
// trigger before left (once the ring is warm it allocates nothing, and a trigger writes
// about its message's size plus three cache lines, in order). add_deliveries() appends to
// that buffer, in the same capacity. The id index maps a 64-bit hash of the id to the slot:
// a probe compares integers, not strings in the slots.
// docs/performance.md gives the cost per trigger.
//
// Threads: every method from any thread. Waiters are called on the thread that reports the
// run, outside the lock.
#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "history/activity.hpp"
#include "topics/delivery_trace.hpp"

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
  std::string workflow;     // the resolved workflow's {"id","name","version","instance"} JSON
  std::string_view reason;  // when none resolved: "no_publication", … (workflows::to_string)
  std::string instance;     // the instance it was resolved in, when none resolved
  std::string profile;      // the agent's profile there (directory)
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
  std::string topic;
  std::string message;  // the JSON delivered on the topic
  std::vector<Delivery> deliveries;
  std::vector<Run> runs;
};

// What a trigger adds: views, copied into the ring's slot (see Cost above).
struct RecordView {
  std::string_view id;
  std::string_view customer;
  std::string_view channel;
  std::string_view agent_id;
  std::string_view event;
  std::optional<std::string_view> crm_id;
  std::optional<std::string_view> cti_id;
  std::int64_t received_at_ms = 0;
  bool test = false;
  std::shared_ptr<const std::string> workflow;  // the resolution's JSON, shared with the snapshot
  std::string_view reason;                      // or why none resolved
  std::string_view instance;
  std::string_view profile;
  std::string_view did_you_mean;
  std::string_view message;
  std::span<const DeliveryNote> deliveries;
};

struct HistoryLimits {
  std::size_t max_entries = 100'000;
  std::chrono::milliseconds max_age{24LL * 3600 * 1000};
  std::size_t max_runs = 20;
  // The bytes of text kept at most (a message may be as large as a trigger's body): the
  // oldest records go first beyond it, their buffers freed.
  std::size_t max_bytes = 64 * 1024 * 1024;
};

struct HistoryQuery {
  std::string customer;
  std::optional<std::string> agent;
  std::optional<std::string> event;
  std::optional<std::int64_t> before_ms;  // received strictly before (paging, "until")
  std::optional<std::int64_t> since_ms;   // received at or after ("from")
  std::size_t limit = 50;
};

class TriggerHistory {
 public:
  explicit TriggerHistory(HistoryLimits limits = {}) : limits_(limits) {}

  void record(const RecordView& view, std::int64_t now_ms);
  // A whole record, runs included: tests, and the history restored at start-up.
  void record(const TriggerRecord& record, std::int64_t now_ms);
  // The sessions a recorded trigger reached, once published: a trigger is recorded before
  // its publish, so that a client reporting its run at once finds it. One lock; nothing
  // when the id is no longer kept.
  void add_deliveries(std::string_view id, std::span<const DeliveryNote> notes);
  // A customer's trigger, or nullopt (another customer's is as unknown as none).
  std::optional<TriggerRecord> find(std::string_view id, std::string_view customer) const;
  std::vector<TriggerRecord> recent(const HistoryQuery& query) const;  // newest first
  std::vector<TriggerRecord> all() const;  // oldest first, every customer's: saved on shutdown

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
  // A customer's last hour, minute by minute (activity.hpp): counted as records come, so it
  // covers the hour even when the ring keeps fewer records than that.
  std::vector<ActivityMinute> activity(std::string_view customer, std::int64_t now_ms) const;

 private:
  // One trigger, kept compact: what a search filters on as numbers and static names, and
  // every string in one buffer (Packed in the .cpp: the id, the other fields in field::
  // order, the message, then each delivery), reused by the next trigger in this slot. The
  // topic and the resolution's JSON are not copied: the first follows from the fields, the
  // second is shared with the resolution snapshot.
  struct Slot {
    std::uint64_t key = 0;  // the id's hash: its key in index_
    std::int64_t received_at_ms = 0;
    std::string_view channel;
    std::string_view reason;
    bool test = false;
    std::uint32_t deliveries = 0;
    std::string text;
    std::shared_ptr<const std::string> workflow;
    std::vector<Run> runs;
    Activity* activity = nullptr;  // its customer's, in activity_ (nodes never move)
  };
  static TriggerRecord record_of(const Slot& slot);
  void append_deliveries(Slot& slot, std::span<const DeliveryNote> notes);  // under mutex_
  void free_beyond_max_bytes();                                             // under mutex_
  void expire_locked(std::int64_t now_ms);
  std::size_t take_slot();             // under mutex_: where the next record goes, unindexed
  void drop_oldest();                  // under mutex_
  void free_oldest();                  // under mutex_: drop_oldest(), its buffers released
  Slot* slot_of(std::string_view id);  // under mutex_
  const Slot* slot_of(std::string_view id) const;

  HistoryLimits limits_;
  mutable std::mutex mutex_;
  // The ring: `count_` records from slots_[oldest_] on, in the order written. A deque, so a
  // slot never moves and the index's views into its id stay valid until it is reused.
  std::deque<Slot> slots_;
  std::size_t oldest_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;  // the capacity of every slot's text buffer, against max_bytes
  // The id's hash → its slot. Two ids with the same 64-bit hash: the second is not recorded
  // (with 100,000 kept, odds of about 1 in 10¹⁴ a trigger).
  boost::unordered_flat_map<std::uint64_t, std::size_t> index_;
  struct PendingWait {
    std::string id;
    Waiter on_run;
  };
  std::unordered_map<std::uint64_t, PendingWait> waiters_;
  struct NameHash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  std::unordered_map<std::string, Activity, NameHash, std::equal_to<>> activity_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace popflow::history
