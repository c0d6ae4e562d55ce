#pragma once
#include <optional>
#include <string>

#include "auth/authenticator.hpp"

namespace popflow::broker {

// Who a session belongs to: a customer's client token, or (when allowed) nobody.
struct Identity {
  auth::ClaimsPtr claims;  // null for anonymous clients

  bool anonymous() const { return !claims; }
};

// The session table's key for a client id: client ids are scoped by what the credential
// may read, so a session is only ever resumed or taken over by a credential allowed every
// subscription it can hold. Customers never share a namespace; within one, each agent of an
// agent-limited token has its own, apart from customer-wide tokens:
//   customer-wide   "acme" US "agent-1001"
//   agent 1001      "acme" RS "1001" US "agent-1001"
// (US = \x1f, RS = \x1e: neither can occur in a customer id or an agent id, which are topic
// levels; so two keys are equal only when all three parts are.)
std::string session_key(const Identity& identity, std::string_view client_id);
// The client id back from a key made by session_key (or by a release before agents had
// their own namespace: "customer" US "client id").
std::string_view client_id_of(std::string_view session_key);

// CTI/... and CRM/...: the tenant topics anonymous clients never see.
// The server's own topics ($popflow/catalog/<customer>: agents' clients learn that what is
// published changed) are as protected as the tenants' namespaces.
inline constexpr std::string_view kServerTopicPrefix = "$popflow/";
bool is_tenant_topic(std::string_view topic);

}  // namespace popflow::broker
