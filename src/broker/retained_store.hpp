#pragma once
// Retained messages (MQTT 5.0 section 3.3.1.3): the last retained message of each topic,
// handed to every new matching subscription.
//
// Cost: matching() scans every retained topic, O(retained); retained messages are rare
// here (screen pops are never retained), so a filter index is not worth it yet.
// Threads: any; one mutex.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "broker/session.hpp"

namespace popflow::broker {

class RetainedStore {
 public:
  // An empty payload deletes the topic's retained message.
  void update(const MessagePtr& message);
  std::vector<MessagePtr> matching(std::string_view filter, Clock::time_point now);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, MessagePtr, std::less<>> messages_;
};

}  // namespace popflow::broker
