#pragma once
#include <optional>
#include <string>

#include "auth/authenticator.hpp"

namespace popflow::broker {

// Who a session belongs to: a customer's client token, or (when allowed) nobody.
struct Identity {
  auth::ClaimsPtr claims;  // null for anonymous clients

  bool anonymous() const { return !claims; }
  // Sessions of different customers never share a client id namespace.
  std::string namespace_key() const { return claims ? claims->customer : std::string(); }
};

// CTI/... and CRM/...: the tenant topics anonymous clients never see.
bool is_tenant_topic(std::string_view topic);

}  // namespace popflow::broker
