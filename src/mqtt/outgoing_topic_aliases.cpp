#include "mqtt/outgoing_topic_aliases.hpp"

namespace popflow::mqtt {

void OutgoingTopicAliases::reset(std::uint16_t capacity) {
  capacity_ = capacity;
  by_topic_.clear();
  slots_.assign(1, Slot{});
  newest_ = oldest_ = 0;
}

OutgoingTopicAliases::Choice OutgoingTopicAliases::choose(std::string_view topic) {
  if (capacity_ == 0) return {};
  if (auto it = by_topic_.find(topic); it != by_topic_.end()) {
    if (it->second != newest_) {
      unlink(it->second);
      push_front(it->second);
    }
    return {it->second, false};
  }
  // A new topic: the next unused alias, or the least recently sent topic's.
  if (slots_.size() <= capacity_) return {static_cast<std::uint16_t>(slots_.size()), true};
  return {oldest_, true};
}

void OutgoingTopicAliases::commit(std::string_view topic, Choice choice) {
  if (choice.alias == 0 || !choice.with_topic) return;
  if (choice.alias == slots_.size()) {
    slots_.emplace_back();
  } else {
    // Taking over an alias: the topic that had it now goes out in full until it gets one again.
    unlink(choice.alias);
    by_topic_.erase(*slots_[choice.alias].topic);
  }
  const auto it = by_topic_.emplace(std::string(topic), choice.alias).first;
  slots_[choice.alias].topic = &it->first;
  push_front(choice.alias);
}

void OutgoingTopicAliases::unlink(std::uint16_t alias) {
  auto& slot = slots_[alias];
  if (slot.newer) slots_[slot.newer].older = slot.older;
  if (slot.older) slots_[slot.older].newer = slot.newer;
  if (newest_ == alias) newest_ = slot.older;
  if (oldest_ == alias) oldest_ = slot.newer;
  slot.newer = slot.older = 0;
}

void OutgoingTopicAliases::push_front(std::uint16_t alias) {
  auto& slot = slots_[alias];
  slot.older = newest_;
  slot.newer = 0;
  if (newest_) slots_[newest_].newer = alias;
  newest_ = alias;
  if (!oldest_) oldest_ = alias;
}

}  // namespace popflow::mqtt
