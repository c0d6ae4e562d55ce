#pragma once
// The seam between this node and the others (docs/cluster.md). Both interfaces are null
// unless the server runs with --redis, and their callers check a pointer, nothing more: one
// node alone pays no cost on its hot paths.
//
// SubscriptionObserver: the router tells it of every subscription added or removed (a filter
// one subscriber did not have, or had), under the router's exclusive lock so the calls for one
// filter arrive in the order they happened; it must only record or post, never block or call
// back into the router. Backplane: the trigger service hands it every trigger it published
// locally, from the publishing worker; it must only enqueue.
#include <string_view>

#include "topics/message.hpp"

namespace popflow {

class SubscriptionObserver {
 public:
  virtual ~SubscriptionObserver() = default;
  virtual void subscribed(std::string_view filter) = 0;
  virtual void unsubscribed(std::string_view filter) = 0;
};

class Backplane {
 public:
  virtual ~Backplane() = default;
  // The message as this node's subscribers got it, to be delivered on the other nodes.
  virtual void publish(const MessagePtr& message) = 0;
};

}  // namespace popflow
