#pragma once
// `popflow-connect user add|list|remove` (CONTRACT "Console users"): the people who sign in
// to the admin console. Passwords are hashed with Argon2id (admin/password.hpp); one that is
// not given on stdin is generated and printed once. Each change goes to the audit log as
// actor "cli". Throws std::runtime_error with a one-line reason.
#include <iosfwd>
#include <optional>
#include <string>

#include "app/admin.hpp"

namespace popflow::app {

struct UserRequest {
  std::string name;
  std::optional<std::string> customer;  // nullopt with operator_
  std::string role = "viewer";
  bool operator_ = false;
  bool password_stdin = false;
};

// Prints the generated password when none came on stdin.
void user_add(DataDir& dir, const UserRequest& request, std::istream& in, std::ostream& out);
void user_list(DataDir& dir, const std::optional<std::string>& customer, std::ostream& out);
void user_remove(DataDir& dir, const std::string& name, std::ostream& out);

}  // namespace popflow::app
