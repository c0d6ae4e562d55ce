// API keys and client tokens of a customer (CONTRACT "Admin API"): the key itself is in the
// answer to POST once and never again; the store keeps only what lists and revokes it.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "admin/credentials.hpp"
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "core/duration.hpp"
#include "http/json_body.hpp"
#include "net/server_state.hpp"
#include "store/key_store.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

Checked<store::KeyRecord> existing_key(AdminCall& call) {
  const std::string id(call.params["id"]);
  auto key = store::KeyStore(call.service.db()).find(id);
  // Another customer's key is as unknown as a key that never existed.
  if (!key || key->customer_id != call.customer)
    return Problem{404, "not_found", "no key '" + id + "'", ""};
  return std::move(*key);
}

Checked<std::optional<std::chrono::seconds>> duration_member(const json::object& body,
                                                             std::string_view name) {
  auto text = http::optional_string_member(body, name);
  if (!text) return text.error();
  if (!*text) return std::optional<std::chrono::seconds>{};
  const auto parsed = parse_duration(**text);
  if (!parsed || parsed->count() <= 0)
    return bad_request("invalid_field",
                       "field '" + std::string(name) + "' must be a duration like 90d, 12h or 30s",
                       std::string(name));
  return std::optional(std::chrono::duration_cast<std::chrono::seconds>(*parsed));
}

std::string target_of(const std::string& id) {
  return "key:" + id;
}

}  // namespace

Checked<Reply> list_keys(AdminCall& call) {
  json::array list;
  const auto& registry = call.worker.state().keys;
  for (auto& key : store::KeyStore(call.service.db()).list(call.customer)) {
    // This process's uses are fresher than the store's (written every 30 s).
    if (const auto used = registry.last_used(key.id))
      key.last_used_at = std::max(key.last_used_at.value_or(0), *used);
    list.push_back(to_json(key));
  }
  return json_reply(200, {{"keys", std::move(list)}});
}

Checked<Reply> create_key(AdminCall& call) {
  if (auto known =
          http::only_members(call.body, {"label", "scope", "crmIds", "expires", "kind", "agentId"});
      !known)
    return known.error();
  KeyRequest request;
  request.customer = call.customer;
  auto kind = http::optional_string_member(call.body, "kind");
  if (!kind) return kind.error();
  const auto kind_name = kind->value_or("api_key");
  if (kind_name == "client_token")
    request.kind = store::KeyKind::client_token, request.scope.clear();
  else if (kind_name != "api_key")
    return bad_request("invalid_field",
                       "field 'kind' must be api_key or client_token (admin tokens come from "
                       "the CLI: token create --admin)",
                       "kind");
  auto label = http::optional_string_member(call.body, "label");
  if (!label) return label.error();
  request.label = label->value_or("");
  auto scope = http::optional_string_list(call.body, "scope");
  if (!scope) return scope.error();
  if (*scope) request.scope = std::move(**scope);
  auto crm_ids = http::optional_string_list(call.body, "crmIds");
  if (!crm_ids) return crm_ids.error();
  if (*crm_ids) request.crm_ids = std::move(**crm_ids);
  auto agent = http::optional_string_member(call.body, "agentId");
  if (!agent) return agent.error();
  request.agent = std::move(*agent);
  auto lifetime = duration_member(call.body, "expires");
  if (!lifetime) return lifetime.error();
  request.lifetime = *lifetime;

  IssuedKey issued;
  try {
    issued = issue_key(call.service.db(), call.service.secret(), request);
  } catch (const std::runtime_error& refused) {
    return bad_request("invalid_key_request", refused.what());
  }
  auto answer = to_json(issued.record);
  call.audit("key.create", target_of(issued.record.id), "", json::serialize(answer));
  answer["key"] = issued.token;  // shown once: it is in no log and no later answer
  return json_reply(201, answer);
}

Checked<Reply> revoke_key(AdminCall& call) {
  auto key = existing_key(call);
  if (!key) return key.error();
  const auto before = json::serialize(to_json(*key));
  store::KeyStore(call.service.db()).revoke(key->id, call.now_ms / 1000);
  call.service.keys_changed();  // refused from the answer on, not from the next poll
  const auto after = store::KeyStore(call.service.db()).find(key->id);
  call.audit("key.revoke", target_of(key->id), before, json::serialize(to_json(*after)));
  return json_reply(200, to_json(*after));
}

Checked<Reply> rotate_key(AdminCall& call) {
  auto key = existing_key(call);
  if (!key) return key.error();
  if (auto known = http::only_members(call.body, {"grace"}); !known) return known.error();
  auto grace = duration_member(call.body, "grace");
  if (!grace) return grace.error();
  const auto before = json::serialize(to_json(*key));
  IssuedKey issued;
  try {
    issued = rotate_key(call.service.db(), call.service.secret(), key->id,
                        grace->value_or(std::chrono::seconds(0)));
  } catch (const std::runtime_error& refused) {
    return bad_request("invalid_key_request", refused.what());
  }
  call.service.keys_changed();  // the old key's end (its grace) holds at once, too
  const auto old_key = store::KeyStore(call.service.db()).find(key->id);
  call.audit("key.rotate", target_of(key->id), before, json::serialize(to_json(*old_key)));
  call.audit("key.create", target_of(issued.record.id), "",
             json::serialize(to_json(issued.record)));
  auto answer = to_json(issued.record);
  answer["key"] = issued.token;
  answer["replaces"] = to_json(*old_key);
  return json_reply(201, answer);
}

Checked<Reply> key_audit(AdminCall& call) {
  auto key = existing_key(call);
  if (!key) return key.error();
  json::array list;
  store::AuditQuery query;
  query.customer_id = call.customer;
  query.target = target_of(key->id);
  query.limit = 200;
  for (const auto& entry : call.repos.audit.entries(query)) list.push_back(to_json(entry));
  return json_reply(200, {{"key", to_json(*key)}, {"audit", std::move(list)}});
}

}  // namespace popflow::admin
