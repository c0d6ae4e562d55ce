#include "admin/caller.hpp"

namespace popflow::admin {
namespace {

store::Role least_role(Permission permission) {
  switch (permission) {
    case Permission::read:
      return store::Role::viewer;
    case Permission::design:
      return store::Role::designer;
    case Permission::configure:
    case Permission::manage_keys:
    case Permission::manage_users:
    case Permission::operate:
      break;
  }
  return store::Role::admin;
}

std::string_view what(Permission permission) {
  switch (permission) {
    case Permission::read:
      return "read this customer's configuration";
    case Permission::design:
      return "change workflows, events and publications";
    case Permission::configure:
      return "change instances, profiles and the agent directory";
    case Permission::manage_users:
      return "manage the console's users";
    case Permission::operate:
      return "manage customers";
    case Permission::manage_keys:
      break;
  }
  return "manage API keys and tokens";
}

}  // namespace

std::string Caller::actor() const {
  return (kind == Kind::user ? "user:" : "token:") + name;
}

std::optional<Problem> refusal(const Caller& caller, Permission permission) {
  if (permission == Permission::operate) {
    if (!caller.customer) return std::nullopt;
    return forbidden("role_denied", "the " + std::string(store::to_string(caller.role)) +
                                        " role may not manage customers; only operators "
                                        "(console users of no customer) may");
  }
  const auto needed = least_role(permission);
  if (!caller.customer || caller.role >= needed) return std::nullopt;
  return forbidden("role_denied", "the " + std::string(store::to_string(caller.role)) +
                                      " role may not " + std::string(what(permission)) +
                                      "; it takes the " + std::string(store::to_string(needed)) +
                                      " role or above");
}

}  // namespace popflow::admin
