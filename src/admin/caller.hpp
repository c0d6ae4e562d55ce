#pragma once
// Who is calling the admin API, and what their role lets them do (CONTRACT "Admin API":
// owners and admins manage keys and users, designers workflows, viewers only read).
//
//   permission      viewer designer admin owner  operator
//   read              ✓      ✓       ✓     ✓       ✓      every GET
//   design                   ✓       ✓     ✓       ✓      workflows, versions, publishing, events
//   configure                        ✓     ✓       ✓      instances, profiles, agent directory
//   manage_keys                      ✓     ✓       ✓      API keys, client tokens
//   manage_users                     ✓     ✓       ✓      console users
//   operate                                          ✓      customers (no ?customer=)
//
// Admin tokens act as admins of their customer. Operators (users without a customer)
// act as owners of the customer a request names with ?customer=ID.
#include <optional>
#include <string>

#include "core/problem.hpp"
#include "store/repositories.hpp"

namespace popflow::admin {

enum class Permission { read, design, configure, manage_keys, manage_users, operate };

struct Caller {
  enum class Kind { user, token };
  Kind kind = Kind::user;
  std::string name;                     // the user's name, or the admin token's key id
  std::optional<std::string> customer;  // nullopt: an operator
  store::Role role = store::Role::viewer;
  std::string credential;  // users: which user of that name signed in (ConsoleSessions)

  std::string actor() const;  // "user:alice", "token:k_…": what the audit log records
};

// nullopt when allowed; else the 403 saying which role it takes.
std::optional<Problem> refusal(const Caller& caller, Permission permission);

}  // namespace popflow::admin
