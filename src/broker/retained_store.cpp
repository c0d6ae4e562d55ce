#include "broker/retained_store.hpp"

#include "topics/topic.hpp"

namespace popflow::broker {

void RetainedStore::update(const MessagePtr& message) {
  std::lock_guard lock(mutex_);
  if (message->payload.empty()) {
    messages_.erase(message->topic);
  } else {
    messages_.insert_or_assign(message->topic, message);
  }
}

std::vector<MessagePtr> RetainedStore::matching(std::string_view filter, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<MessagePtr> out;
  for (auto it = messages_.begin(); it != messages_.end();) {
    const auto& expires = it->second->expires_at;
    if (expires && *expires <= now) {
      it = messages_.erase(it);  // expired retained messages are dropped lazily
      continue;
    }
    if (topic_matches(filter, it->first)) out.push_back(it->second);
    ++it;
  }
  return out;
}

std::size_t RetainedStore::size() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

}  // namespace popflow::broker
