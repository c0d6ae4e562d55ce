#pragma once
// Which Redis channel carries what (docs/cluster.md, "Routing"). Every trigger topic ends with
// its agent (CTI/C/A, CTI/C/E/A, CRM/C/E/A), so:
// - a trigger is published on its agent's channel popflow:{c:C}:a:A and on its customer's
//   popflow:{c:C}:all;
// - a local subscription whose last level is a literal agent (CTI/C/A, CTI/C/+/A, CRM/C/+/A)
//   needs the agent's channel; one ending in + or # (CTI/C/#) the customer's;
// - anything outside CTI/ and CRM/, or with a wildcard for the customer, needs none: such
//   topics stay on their node (and no client token may subscribe to another customer anyway).
// {c:C} is the Redis Cluster hash tag: a customer's keys and channels share one slot.
#include <optional>
#include <string>
#include <string_view>

namespace popflow::cluster {

struct TopicChannels {
  std::string agent;
  std::string customer;
};

// Null for a topic that is not a trigger's (not CTI/… or CRM/…, under three levels).
std::optional<TopicChannels> channels_of_topic(std::string_view topic);

// The one channel a subscription with this filter needs, or null when it needs none.
std::optional<std::string> channel_of_filter(std::string_view filter);

}  // namespace popflow::cluster
