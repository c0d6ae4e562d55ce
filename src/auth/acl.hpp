#pragma once
// The one place that decides which topic filters a client token may subscribe to.
// Used by SSE and MQTT alike.
//
// A token of customer C may subscribe inside CTI/C/... and CRM/C/... only: the first two
// levels must be literal ("+/C/#", "CTI/+/1001", "#" are refused). A token limited to
// agent A may only use filters whose last level is literally A, so neither "#" nor a
// trailing "+" can widen it to other agents:
//   allowed for A:  CTI/C/A   CTI/C/+/A   CRM/C/+/A   CTI/C/env-1/A
//   refused for A:  CTI/C/#   CTI/C/+   CTI/C/B   CTI/D/A
#include <optional>
#include <string>
#include <string_view>

#include "auth/claims.hpp"

namespace popflow::auth {

// "$popflow/catalog/<customer>": where the server tells a customer's clients that what they
// run changed (then they refetch /api/client/workflows). Besides their CTI/ and CRM/ topics,
// the one topic a client token may read: over MQTT, so that the agent's client needs no
// second connection, and as /api/client/workflows/changes.
std::string catalog_topic(std::string_view customer);

// nullopt when allowed; otherwise the reason, fit for an error message.
std::optional<std::string> subscribe_denial(const Claims& client, std::string_view filter);

// Whether a message on `topic` may reach a holder of `client`: the same rule as
// subscribe_denial, for a topic name. Asked at every delivery (as mosquitto does), so a
// subscription never outlives the right that granted it. Cost: a few string compares.
bool may_read(const Claims& client, std::string_view topic);

// Anonymous MQTT clients (--mqtt-allow-anonymous) may use every topic outside CTI/, CRM/ and
// the server's $popflow/: a filter whose first level is literally one of those is refused;
// wildcard filters are allowed, and the broker never delivers those topics to anonymous
// sessions (a leading wildcard never matches a $ topic).
std::optional<std::string> anonymous_subscribe_denial(std::string_view filter);

// CTI/... and CRM/... carry triggers only, $popflow/... the server's own messages (a forged
// one would reach every agent's client of a customer): no MQTT client may publish there.
std::optional<std::string> publish_denial(std::string_view topic);

}  // namespace popflow::auth
