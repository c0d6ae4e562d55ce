// The installation's customers, for its operators (users without a customer): listed with
// their console users, added, renamed, and disabled or enabled again. A disabled customer's
// keys, client tokens and admin tokens are refused with customer_disabled wherever they are
// checked (triggers, connections already open, sessions at each delivery: the key registry
// says so, auth/key_registry.hpp), and its console users can neither sign in nor act with a
// session they already have. Nothing is deleted: enabling it again brings everything back,
// persistent MQTT sessions and their queues included.
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "http/json_body.hpp"
#include "store/customer_store.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

json::object customer_json(const store::Customer& customer, std::size_t users) {
  return {{"id", customer.id},
          {"name", customer.name},
          {"createdAt", iso_seconds(customer.created_at)},
          {"disabledAt",
           customer.disabled_at ? json::value(iso_seconds(*customer.disabled_at)) : json::value()},
          {"users", users}};
}

// Kept in the customer's own audit log: its admins see who disabled or renamed it.
void audit(AdminCall& call, const std::string& id, std::string action, std::string before,
           std::string after) {
  call.repos.audit.append({0, id, call.now_ms, call.caller.actor(), std::move(action),
                           "customer:" + id, std::move(before), std::move(after)});
}

}  // namespace

Checked<Reply> list_customers(AdminCall& call) {
  json::array list;
  for (const auto& customer : store::CustomerStore(call.service.db()).list())
    list.push_back(customer_json(customer, call.repos.users.users(customer.id).size()));
  return json_reply(200, {{"customers", std::move(list)}});
}

Checked<Reply> add_customer(AdminCall& call) {
  if (auto known = http::only_members(call.body, {"id", "name"}); !known) return known.error();
  auto id = http::string_member(call.body, "id");
  if (!id) return id.error();
  if (!store::CustomerStore::is_valid_id(*id))
    return bad_request("invalid_field",
                       "field 'id' must be 1 to 64 of A-Z a-z 0-9 . _ - (it becomes a topic level)",
                       "id");
  auto name = http::optional_string_member(call.body, "name");
  if (!name) return name.error();
  if (*name && !(*name)->empty())
    if (auto problem = name_problem(**name, "name")) return *problem;
  store::CustomerStore customers(call.service.db());
  if (customers.exists(*id))
    return Problem{409, "already_exists", "a customer '" + *id + "' already exists", "id"};
  const store::Customer customer{*id, name->value_or(""), call.now_ms / 1000};
  customers.add(customer);
  const auto answer = customer_json(customer, 0);
  audit(call, customer.id, "customer.create", "", json::serialize(answer));
  return json_reply(201, answer);
}

Checked<Reply> patch_customer(AdminCall& call) {
  if (auto known = http::only_members(call.body, {"name", "disabled"}); !known)
    return known.error();
  const std::string id(call.params["id"]);
  store::CustomerStore customers(call.service.db());
  auto before = customers.find(id);
  if (!before) return Problem{404, "not_found", "no customer '" + id + "'", ""};
  auto name = http::optional_string_member(call.body, "name");
  if (!name) return name.error();
  auto disabled = http::optional_bool_member(call.body, "disabled");
  if (!disabled) return disabled.error();
  if (*name && !(*name)->empty())
    if (auto problem = name_problem(**name, "name")) return *problem;
  auto after = *before;
  if (*name) after.name = **name;
  if (*disabled && **disabled != before->disabled_at.has_value())
    after.disabled_at = **disabled ? std::optional(call.now_ms / 1000) : std::nullopt;
  if (after.name != before->name) customers.rename(id, after.name);
  if (after.disabled_at != before->disabled_at) {
    customers.set_disabled(id, after.disabled_at);
    // Every node's key registry hears of it at once (this one) or at its next poll.
    call.service.keys_changed();
    if (after.disabled_at)
      for (const auto& user : call.repos.users.users(id))
        call.service.sessions().revoke_user(user.name);
  }
  const auto users = call.repos.users.users(id).size();
  const auto answer = customer_json(after, users);
  if (after.name != before->name || after.disabled_at != before->disabled_at)
    audit(call, id,
          after.disabled_at == before->disabled_at ? "customer.rename"
          : after.disabled_at                      ? "customer.disable"
                                                   : "customer.enable",
          json::serialize(customer_json(*before, users)), json::serialize(answer));
  return json_reply(200, answer);
}

}  // namespace popflow::admin
