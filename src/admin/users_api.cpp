// A customer's console users (CONTRACT "Console users"), managed by its owners and admins as
// `user add/list/remove` do from the CLI: listed with their role and last sign-in, added with
// a role no higher than the caller's own (an admin makes no owner) and a password given or
// generated (shown once), given another role or a new password (which ends their sessions),
// and removed, which ends their sessions at once.
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "admin/password.hpp"
#include "http/json_body.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

json::object user_json(const store::User& user) {
  return {{"name", user.name},
          {"role", store::to_string(user.role)},
          {"createdAt", iso_seconds(user.created_at)},
          {"lastSignInAt",
           user.last_login_at ? json::value(iso_seconds(*user.last_login_at)) : json::value()}};
}

// Operators act as owners of the customer they name.
store::Role role_of(const AdminCall& call) {
  return call.caller.customer ? call.caller.role : store::Role::owner;
}

}  // namespace

Checked<Reply> list_users(AdminCall& call) {
  json::array list;
  for (const auto& user : call.repos.users.users(call.customer)) list.push_back(user_json(user));
  return json_reply(200, {{"users", std::move(list)}});
}

Checked<Reply> add_user(AdminCall& call) {
  if (auto known = http::only_members(call.body, {"name", "role", "password"}); !known)
    return known.error();
  auto name = http::string_member(call.body, "name");
  if (!name) return name.error();
  if (auto problem = name_problem(*name, "name")) return *problem;
  auto role_name = http::string_member(call.body, "role");
  if (!role_name) return role_name.error();
  const auto role = store::role_from(*role_name);
  if (!role)
    return bad_request("invalid_field", "field 'role' must be owner, admin, designer or viewer",
                       "role");
  if (*role > role_of(call))
    return forbidden("role_denied",
                     "the " + std::string(store::to_string(role_of(call))) +
                         " role may not make a user with the " + std::string(*role_name) + " role",
                     "role");
  auto given = http::optional_string_member(call.body, "password");
  if (!given) return given.error();
  if (*given)
    if (auto problem = password_problem(**given, *name))
      return bad_request("weak_password", "password refused: " + *problem, "password");
  if (call.repos.users.user(*name))
    return Problem{409, "already_exists", "a user named '" + *name + "' already exists", "name"};
  const auto password = given->value_or(generate_password());
  store::User user{*name, call.customer, *role, hash_password(password), call.now_ms / 1000, {}};
  call.repos.users.insert_user(user);
  auto answer = user_json(user);
  call.audit("user.create", "user:" + user.name, "", json::serialize(answer));
  if (!*given) answer["password"] = password;  // shown once: in no log and no later answer
  return json_reply(201, answer);
}

Checked<Reply> patch_user(AdminCall& call) {
  if (auto known = http::only_members(call.body, {"role", "password", "resetPassword"}); !known)
    return known.error();
  const std::string name(call.params["name"]);
  auto user = call.repos.users.user(name);
  if (!user || user->customer_id != call.customer)
    return Problem{404, "not_found", "no user '" + name + "' in this customer", ""};
  const auto mine = role_of(call);
  if (user->role > mine)
    return forbidden("role_denied", "the " + std::string(store::to_string(mine)) +
                                        " role may not change an " +
                                        std::string(store::to_string(user->role)));
  auto role_name = http::optional_string_member(call.body, "role");
  if (!role_name) return role_name.error();
  auto given = http::optional_string_member(call.body, "password");
  if (!given) return given.error();
  auto reset = http::optional_bool_member(call.body, "resetPassword");
  if (!reset) return reset.error();
  if (*given && reset->value_or(false))
    return bad_request("invalid_field", "send a 'password' or 'resetPassword', not both",
                       "resetPassword");
  const auto before = user_json(*user);
  if (*role_name) {
    const auto role = store::role_from(**role_name);
    if (!role)
      return bad_request("invalid_field", "field 'role' must be owner, admin, designer or viewer",
                         "role");
    if (*role > mine)
      return forbidden("role_denied",
                       "the " + std::string(store::to_string(mine)) + " role may not give the " +
                           **role_name + " role",
                       "role");
    // Lowering one's own role could leave nobody able to raise it again.
    if (*role != user->role && call.caller.kind == Caller::Kind::user && call.caller.name == name)
      return Problem{409, "self", "you cannot change your own role; ask another owner or admin",
                     "role"};
    user->role = *role;
  }
  std::optional<std::string> generated;
  if (*given) {
    if (auto problem = password_problem(**given, name))
      return bad_request("weak_password", "password refused: " + *problem, "password");
    user->password_hash = hash_password(**given);
  } else if (reset->value_or(false)) {
    generated = generate_password();
    user->password_hash = hash_password(*generated);
  }
  call.repos.users.update_user(*user);
  // A new password ends the user's sessions (they sign in with it); a new role holds at their
  // next request, since each request reads it.
  if (*given || generated) call.service.sessions().revoke_user(name);
  auto answer = user_json(*user);
  call.audit(*given || generated ? "user.password" : "user.update", "user:" + name,
             json::serialize(before), json::serialize(answer));
  if (generated) answer["password"] = *generated;  // shown once: in no log and no later answer
  return json_reply(200, answer);
}

Checked<Reply> remove_user(AdminCall& call) {
  const std::string name(call.params["name"]);
  auto user = call.repos.users.user(name);
  if (!user || user->customer_id != call.customer)
    return Problem{404, "not_found", "no user '" + name + "' in this customer", ""};
  if (call.caller.kind == Caller::Kind::user && call.caller.name == name)
    return Problem{409, "self", "you cannot remove your own user; ask another owner or admin",
                   "name"};
  if (user->role > role_of(call))
    return forbidden("role_denied", "the " + std::string(store::to_string(role_of(call))) +
                                        " role may not remove an " +
                                        std::string(store::to_string(user->role)));
  call.repos.users.remove_user(name);
  call.service.sessions().revoke_user(name);
  call.audit("user.remove", "user:" + name, json::serialize(user_json(*user)), "");
  return Reply{204, "", "", {}, {}};
}

}  // namespace popflow::admin
