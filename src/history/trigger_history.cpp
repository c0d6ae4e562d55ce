#include "history/trigger_history.hpp"

namespace popflow::history {

namespace {

std::string_view id_view(const boost::static_strings::static_string<48>& id) {
  return {id.data(), id.size()};
}

// CTI/<customer>/<agent>, CTI/<customer>/<ctiId>/<agent> or CRM/<customer>/<crmId>/<agent>.
std::string topic_of(std::string_view channel, const std::string& customer,
                     const std::string& middle, const std::string& agent) {
  std::string topic(channel);
  topic.append("/").append(customer).append("/");
  if (!middle.empty()) topic.append(middle).append("/");
  return topic.append(agent);
}

}  // namespace

TriggerRecord TriggerHistory::record_of(const Slot& slot) {
  TriggerRecord r;
  r.id = id_view(slot.id);
  r.customer = slot.customer;
  r.channel = slot.channel;
  r.agent_id = slot.agent_id;
  r.event = slot.event;
  if (!slot.crm_id.empty()) r.crm_id = slot.crm_id;
  if (!slot.cti_id.empty()) r.cti_id = slot.cti_id;
  r.received_at_ms = slot.received_at_ms;
  r.test = slot.test;
  if (slot.workflow) r.resolution.workflow = *slot.workflow;
  r.resolution.reason = slot.reason;
  r.resolution.instance = slot.instance;
  r.resolution.profile = slot.profile;
  r.resolution.did_you_mean = slot.did_you_mean;
  r.topic = topic_of(slot.channel, slot.customer, slot.crm_id.empty() ? slot.cti_id : slot.crm_id,
                     slot.agent_id);
  r.message = slot.message;
  r.deliveries = slot.deliveries;
  r.runs = slot.runs;
  return r;
}

// The live records are the `count_` positions from `oldest_` on, in the order written; the
// ring grows to max_entries slots, then the oldest is overwritten.
std::size_t TriggerHistory::take_slot() {
  const auto capacity = limits_.max_entries;
  if (count_ == capacity) drop_oldest();
  const auto position = (oldest_ + count_) % capacity;
  if (position == slots_.size()) slots_.emplace_back();
  ++count_;
  return position;
}

void TriggerHistory::free_oldest() {
  const auto position = oldest_;
  drop_oldest();
  bytes_ -= slots_[position].message.capacity();
  slots_[position] = Slot{};
}

void TriggerHistory::drop_oldest() {
  auto& slot = slots_[oldest_];
  index_.erase(id_view(slot.id));
  slot.id.clear();
  oldest_ = (oldest_ + 1) % limits_.max_entries;
  --count_;
}

TriggerHistory::Slot* TriggerHistory::slot_of(std::string_view id) {
  const auto found = index_.find(id);
  return found == index_.end() ? nullptr : &slots_[found->second];
}

const TriggerHistory::Slot* TriggerHistory::slot_of(std::string_view id) const {
  const auto found = index_.find(id);
  return found == index_.end() ? nullptr : &slots_[found->second];
}

void TriggerHistory::record(const RecordView& view, std::int64_t now_ms) {
  // Ids beyond the inline buffer are not ours (UUIDv7 is 36 characters): not recorded.
  if (limits_.max_entries == 0 || view.id.empty() || view.id.size() > 48) return;
  std::lock_guard lock(mutex_);
  if (index_.contains(view.id)) return;  // a repeated id keeps its first record
  expire_locked(now_ms);
  const auto position = take_slot();
  auto& slot = slots_[position];
  // Assigned, not moved in: the slot's strings keep the capacity of the trigger before.
  slot.id.assign(view.id.data(), view.id.size());
  slot.channel = view.channel;
  slot.received_at_ms = view.received_at_ms;
  slot.test = view.test;
  slot.customer.assign(view.customer);
  slot.agent_id.assign(view.agent_id);
  slot.event.assign(view.event);
  slot.crm_id.assign(view.crm_id.value_or(""));
  slot.cti_id.assign(view.cti_id.value_or(""));
  slot.workflow = view.workflow;
  slot.reason = view.reason;
  slot.instance.assign(view.instance);
  slot.profile.assign(view.profile);
  slot.did_you_mean.assign(view.did_you_mean);
  bytes_ -= slot.message.capacity();
  slot.message.assign(view.message);
  bytes_ += slot.message.capacity();
  slot.deliveries.clear();
  for (const auto& note : view.deliveries)
    slot.deliveries.push_back({note.transport, note.subscriber, note.queued, view.received_at_ms});
  slot.runs.clear();
  index_.emplace(id_view(slot.id), position);
  // Large messages: the oldest records make room (this one stays, even alone over the bound).
  while (bytes_ > limits_.max_bytes && count_ > 1) free_oldest();
}

void TriggerHistory::record(const TriggerRecord& trigger, std::int64_t now_ms) {
  std::vector<DeliveryNote> notes;
  for (const auto& d : trigger.deliveries) notes.push_back({d.transport, d.subscriber, d.queued});
  const auto& r = trigger.resolution;
  auto optional_view = [](const std::optional<std::string>& text) {
    return text ? std::optional<std::string_view>(*text) : std::nullopt;
  };
  record(RecordView{trigger.id, trigger.customer, trigger.channel, trigger.agent_id, trigger.event,
                    optional_view(trigger.crm_id), optional_view(trigger.cti_id),
                    trigger.received_at_ms, trigger.test,
                    r.workflow.empty() ? nullptr : std::make_shared<const std::string>(r.workflow),
                    r.reason, r.instance, r.profile, r.did_you_mean, trigger.message, notes},
         now_ms);
}

void TriggerHistory::expire(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  expire_locked(now_ms);
}

// From the oldest record on, until one is young enough: amortised O(1) a trigger. Freed, not
// only unindexed, so the age bounds memory too.
void TriggerHistory::expire_locked(std::int64_t now_ms) {
  const auto oldest_kept = now_ms - limits_.max_age.count();
  while (count_ > 0 && slots_[oldest_].received_at_ms < oldest_kept) free_oldest();
}

std::optional<TriggerRecord> TriggerHistory::find(std::string_view id,
                                                  std::string_view customer) const {
  std::lock_guard lock(mutex_);
  const auto* slot = slot_of(id);
  if (!slot || slot->customer != customer) return std::nullopt;
  return record_of(*slot);
}

// O(entries scanned): newest first until `limit` match. Support engineers' searches, not
// a hot path; a customer's triggers among many others' cost a longer scan.
std::vector<TriggerRecord> TriggerHistory::recent(const HistoryQuery& query) const {
  std::vector<TriggerRecord> out;
  std::lock_guard lock(mutex_);
  for (std::size_t n = count_; n > 0 && out.size() < query.limit; --n) {
    const auto& slot = slots_[(oldest_ + n - 1) % limits_.max_entries];
    if (query.before_ms && slot.received_at_ms >= *query.before_ms) continue;
    if (slot.customer != query.customer) continue;
    if (query.agent && slot.agent_id != *query.agent) continue;
    if (query.event && slot.event != *query.event) continue;
    out.push_back(record_of(slot));
  }
  return out;
}

TriggerHistory::RunAdded TriggerHistory::add_run(std::string_view id, std::string_view customer,
                                                 Run run) {
  std::vector<Waiter> woken;
  {
    std::lock_guard lock(mutex_);
    auto* slot = slot_of(id);
    if (!slot || slot->customer != customer) return RunAdded::unknown;
    auto& runs = slot->runs;
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
    const auto* slot = slot_of(id);
    if (!slot || slot->customer != customer) return 0;
    if (slot->runs.empty()) {
      const auto ticket = next_ticket_++;
      waiters_.emplace(ticket, PendingWait{std::string(id), std::move(on_run)});
      return ticket;
    }
    first = slot->runs.front();
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
  return index_.size();
}

}  // namespace popflow::history
