#include "history/trigger_history.hpp"

#include <array>
#include <boost/container_hash/hash.hpp>
#include <cstring>
#include <utility>

namespace popflow::history {

namespace {

// A slot's text: length-prefixed strings back to back, in this order, then three a
// delivery (transport, subscriber, "1" when queued).
namespace field {
enum : std::size_t {
  id,
  customer,
  agent_id,
  event,
  crm_id,
  cti_id,
  instance,
  profile,
  did_you_mean,
  message,
  count
};
}  // namespace field

std::size_t packed_size(std::string_view value) {
  return sizeof(std::uint32_t) + value.size();
}

// Fills `text` value by value from `from` on, resized once to `size` (`from` plus the
// packed_size() of every value).
class PackedWriter {
 public:
  PackedWriter(std::string& text, std::size_t from, std::size_t size) {
    text.resize(size);
    out_ = text.data() + from;
  }
  PackedWriter& add(std::string_view value) {
    const auto size = static_cast<std::uint32_t>(value.size());
    std::memcpy(out_, &size, sizeof size);
    // An empty view may hold a null pointer, which memcpy may not be given even for 0 bytes.
    if (size != 0) std::memcpy(out_ + sizeof size, value.data(), size);
    out_ += sizeof size + size;
    return *this;
  }

 private:
  char* out_;
};

class PackedReader {
 public:
  explicit PackedReader(std::string_view text) : rest_(text) {}
  std::string_view next() {
    std::uint32_t size = 0;
    std::memcpy(&size, rest_.data(), sizeof size);
    const auto value = rest_.substr(sizeof size, size);
    rest_.remove_prefix(sizeof size + size);
    return value;
  }

 private:
  std::string_view rest_;
};

// The fixed fields of a slot's text, by field::.
std::array<std::string_view, field::count> fields_of(PackedReader& reader) {
  std::array<std::string_view, field::count> out;
  for (auto& field : out) field = reader.next();
  return out;
}

std::string_view customer_of(std::string_view text) {
  PackedReader reader(text);
  reader.next();  // the id
  return reader.next();
}

std::uint64_t key_of(std::string_view id) {
  return boost::hash<std::string_view>{}(id);
}

// CTI/<customer>/<agent>, CTI/<customer>/<ctiId>/<agent> or CRM/<customer>/<crmId>/<agent>.
std::string topic_of(std::string_view channel, std::string_view customer, std::string_view middle,
                     std::string_view agent) {
  std::string topic(channel);
  topic.append("/").append(customer).append("/");
  if (!middle.empty()) topic.append(middle).append("/");
  return topic.append(agent);
}

std::optional<std::string> unless_empty(std::string_view text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

}  // namespace

TriggerRecord TriggerHistory::record_of(const Slot& slot) {
  PackedReader reader(slot.text);
  const auto f = fields_of(reader);
  TriggerRecord r;
  r.id = f[field::id];
  r.customer = f[field::customer];
  r.channel = slot.channel;
  r.agent_id = f[field::agent_id];
  r.event = f[field::event];
  r.crm_id = unless_empty(f[field::crm_id]);
  r.cti_id = unless_empty(f[field::cti_id]);
  r.received_at_ms = slot.received_at_ms;
  r.test = slot.test;
  if (slot.workflow) r.resolution.workflow = *slot.workflow;
  r.resolution.reason = slot.reason;
  r.resolution.instance = f[field::instance];
  r.resolution.profile = f[field::profile];
  r.resolution.did_you_mean = f[field::did_you_mean];
  r.topic =
      topic_of(slot.channel, f[field::customer],
               f[field::crm_id].empty() ? f[field::cti_id] : f[field::crm_id], f[field::agent_id]);
  r.message = f[field::message];
  for (std::uint32_t n = 0; n < slot.deliveries; ++n) {
    auto transport = reader.next();
    auto subscriber = reader.next();
    r.deliveries.push_back({std::string(transport), std::string(subscriber), reader.next() == "1",
                            slot.received_at_ms});
  }
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
  bytes_ -= slots_[position].text.capacity();
  slots_[position] = Slot{};
}

void TriggerHistory::drop_oldest() {
  index_.erase(slots_[oldest_].key);
  oldest_ = (oldest_ + 1) % limits_.max_entries;
  --count_;
}

TriggerHistory::Slot* TriggerHistory::slot_of(std::string_view id) {
  return const_cast<Slot*>(std::as_const(*this).slot_of(id));
}

// The index finds the hash; the slot's own id settles it.
const TriggerHistory::Slot* TriggerHistory::slot_of(std::string_view id) const {
  const auto found = index_.find(key_of(id));
  if (found == index_.end()) return nullptr;
  const auto& slot = slots_[found->second];
  return PackedReader(slot.text).next() == id ? &slot : nullptr;
}

void TriggerHistory::record(const RecordView& view, std::int64_t now_ms) {
  if (limits_.max_entries == 0 || view.id.empty()) return;
  const auto key = key_of(view.id);
  std::lock_guard lock(mutex_);
  if (index_.contains(key)) return;  // a repeated id keeps its first record
  expire_locked(now_ms);
  const auto position = take_slot();
  auto& slot = slots_[position];
  slot.key = key;
  slot.received_at_ms = view.received_at_ms;
  slot.channel = view.channel;
  slot.reason = view.reason;
  slot.test = view.test;
  slot.workflow = view.workflow;
  slot.runs.clear();
  const std::array<std::string_view, field::count> fields{view.id,
                                                          view.customer,
                                                          view.agent_id,
                                                          view.event,
                                                          view.crm_id.value_or(""),
                                                          view.cti_id.value_or(""),
                                                          view.instance,
                                                          view.profile,
                                                          view.did_you_mean,
                                                          view.message};
  std::size_t size = 0;
  for (const auto value : fields) size += packed_size(value);
  bytes_ -= slot.text.capacity();
  PackedWriter text(slot.text, 0, size);
  for (const auto value : fields) text.add(value);
  bytes_ += slot.text.capacity();
  slot.deliveries = 0;
  auto found = activity_.find(view.customer);
  if (found == activity_.end()) found = activity_.try_emplace(std::string(view.customer)).first;
  slot.activity = &found->second;
  slot.activity->add_trigger(view.received_at_ms);
  if (!view.deliveries.empty()) append_deliveries(slot, view.deliveries);
  index_.emplace(key, position);
  free_beyond_max_bytes();
}

void TriggerHistory::add_deliveries(std::string_view id, std::span<const DeliveryNote> notes) {
  if (notes.empty() || limits_.max_entries == 0) return;  // nothing to add, or no history
  std::lock_guard lock(mutex_);
  auto* slot = slot_of(id);
  if (!slot) return;  // the ring turned over since record(), or a hash collision kept none
  append_deliveries(*slot, notes);
  free_beyond_max_bytes();
}

// Three values a delivery (transport, subscriber, "1" when queued), after what is there.
void TriggerHistory::append_deliveries(Slot& slot, std::span<const DeliveryNote> notes) {
  const auto from = slot.text.size();
  auto size = from;
  for (const auto& note : notes)
    size += packed_size(note.transport) + packed_size(note.subscriber) + packed_size("0");
  bytes_ -= slot.text.capacity();
  PackedWriter text(slot.text, from, size);
  for (const auto& note : notes)
    text.add(note.transport).add(note.subscriber).add(note.queued ? "1" : "0");
  bytes_ += slot.text.capacity();
  if (slot.deliveries == 0 && slot.activity) slot.activity->add_delivered(slot.received_at_ms);
  slot.deliveries += static_cast<std::uint32_t>(notes.size());
}

// Large messages: the oldest records make room (the newest stays, even alone over the bound).
void TriggerHistory::free_beyond_max_bytes() {
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
  if (trigger.runs.empty()) return;
  std::lock_guard lock(mutex_);
  if (auto* slot = slot_of(trigger.id); slot && slot->runs.empty()) {
    slot->runs = trigger.runs;
    if (slot->runs.size() > limits_.max_runs) slot->runs.resize(limits_.max_runs);
    for (const auto& run : slot->runs) slot->activity->add_run(run.reported_at_ms, run.outcome);
  }
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
  if (!slot || customer_of(slot->text) != customer) return std::nullopt;
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
    // Not a break: two loops record in nearly, not exactly, the order they received.
    if (query.since_ms && slot.received_at_ms < *query.since_ms) continue;
    PackedReader reader(slot.text);
    const auto f = fields_of(reader);
    if (f[field::customer] != query.customer) continue;
    if (query.agent && f[field::agent_id] != *query.agent) continue;
    if (query.event && f[field::event] != *query.event) continue;
    out.push_back(record_of(slot));
  }
  return out;
}

std::vector<ActivityMinute> TriggerHistory::activity(std::string_view customer,
                                                     std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  const auto found = activity_.find(customer);
  return found == activity_.end() ? Activity().last_hour(now_ms) : found->second.last_hour(now_ms);
}

std::vector<TriggerRecord> TriggerHistory::all() const {
  std::vector<TriggerRecord> out;
  std::lock_guard lock(mutex_);
  out.reserve(count_);
  for (std::size_t n = 0; n < count_; ++n)
    out.push_back(record_of(slots_[(oldest_ + n) % limits_.max_entries]));
  return out;
}

TriggerHistory::RunAdded TriggerHistory::add_run(std::string_view id, std::string_view customer,
                                                 Run run) {
  std::vector<Waiter> woken;
  {
    std::lock_guard lock(mutex_);
    auto* slot = slot_of(id);
    if (!slot || customer_of(slot->text) != customer) return RunAdded::unknown;
    auto& runs = slot->runs;
    if (runs.size() >= limits_.max_runs) return RunAdded::full;
    if (slot->activity) slot->activity->add_run(run.reported_at_ms, run.outcome);
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
    if (!slot || customer_of(slot->text) != customer) return 0;
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
