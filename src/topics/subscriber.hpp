#pragma once
#include <cstdint>
#include <span>

#include "topics/message.hpp"

namespace popflow {

// Per-subscription options, MQTT 5.0 section 3.8.3.1 (SSE uses the defaults).
struct SubscriptionOptions {
  std::uint8_t qos = 0;
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0;
  std::uint32_t identifier = 0;  // 0 = none
};

// Anything that receives published messages: an SSE stream, an MQTT session.
class Subscriber {
 public:
  virtual ~Subscriber() = default;

  // Called by the Router on the publishing thread while it holds the index's read lock:
  // must not block and must not call back into the Router; hand the message to the
  // subscriber's own event loop instead. `matched` lists the options of every one of this
  // subscriber's subscriptions that matched (overlapping filters), at least one.
  // Returns true when the message was delivered or queued, false when it was dropped.
  virtual bool deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) = 0;
};

}  // namespace popflow
