// The instances of a customer and what hangs off each: profiles, the agent directory and
// events (CONTRACT "Admin API"). Runs on the store thread, in the route's transaction.
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "http/json_body.hpp"
#include "workflows/template.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxAgentsPage = 500;

Problem not_found(std::string what) {
  return Problem{404, "not_found", std::move(what), ""};
}

Checked<workflows::Instance> existing_instance(AdminCall& call) {
  const std::string crm_id(call.params["crmId"]);
  auto instance = call.repos.catalog.instance(call.customer, crm_id);
  if (!instance)
    return not_found("no instance '" + crm_id + "'; create it with POST /api/admin/instances");
  return std::move(*instance);
}

Checked<workflows::UrlTemplates> url_templates(const json::object& body,
                                               workflows::UrlTemplates urls) {
  const auto* value = body.if_contains("urlTemplates");
  if (!value || value->is_null()) return urls;
  if (!value->is_object())
    return bad_request("invalid_field", "field 'urlTemplates' must be an object", "urlTemplates");
  const auto& object = value->get_object();
  if (auto known = http::only_members(object, {"record", "newRecord", "search"}); !known)
    return known.error();
  for (auto [name, slot] :
       {std::pair{"record", &urls.record}, std::pair{"newRecord", &urls.new_record},
        std::pair{"search", &urls.search}}) {
    auto text = http::optional_string_member(object, name);
    if (!text) return text.error();
    if (*text) *slot = std::move(**text);
  }
  if (auto valid = workflows::validate_url_templates(urls); !valid) return valid.error();
  return urls;
}

// The pop rules' fields (workflows/catalog.hpp): absent keeps `current`, null turns the rule
// off.
Checked<std::string> supersede_by(const json::object& body, std::string current) {
  const auto* value = body.if_contains("supersedeBy");
  if (!value) return current;
  if (value->is_null()) return std::string();
  if (!value->is_string())
    return bad_request("invalid_field",
                       "field 'supersedeBy' must be an interaction-data field name or null",
                       "supersedeBy");
  std::string field(value->get_string());
  if (auto problem = workflows::supersede_by_problem(field))
    return bad_request("invalid_field", "field 'supersedeBy' " + *problem, "supersedeBy");
  return field;
}

Checked<std::optional<int>> stale_after(const json::object& body, std::optional<int> current) {
  const auto* value = body.if_contains("staleAfter");
  if (!value) return current;
  if (value->is_null()) return std::optional<int>();
  const auto seconds = value->is_int64() ? value->get_int64() : 0;
  if (seconds < 1 || seconds > workflows::kMaxStaleAfterSeconds)
    return bad_request("invalid_field",
                       "field 'staleAfter' must be seconds from 1 to " +
                           std::to_string(workflows::kMaxStaleAfterSeconds) +
                           ", or null for never stale",
                       "staleAfter");
  return std::optional<int>(static_cast<int>(seconds));
}

std::optional<workflows::Event> find_event(AdminCall& call, const std::string& crm_id,
                                           const std::string& name) {
  for (auto& event : call.repos.catalog.events(call.customer, crm_id))
    if (event.name == name) return std::move(event);
  return std::nullopt;
}

std::string instance_target(const std::string& crm_id) {
  return "instance:" + crm_id;
}

}  // namespace

Checked<Reply> list_instances(AdminCall& call) {
  json::array list;
  for (const auto& instance : call.repos.catalog.instances(call.customer))
    list.push_back(to_json(instance));
  return json_reply(200, {{"instances", std::move(list)}});
}

Checked<Reply> create_instance(AdminCall& call) {
  if (auto known = http::only_members(call.body,
                                      {"crmId", "name", "crmType", "urlTemplates", "supersedeBy"});
      !known)
    return known.error();
  auto crm_id = http::string_member(call.body, "crmId");
  if (!crm_id) return crm_id.error();
  if (auto problem = topic_level_problem(*crm_id, "crmId")) return *problem;
  auto name = http::optional_string_member(call.body, "name");
  if (!name) return name.error();
  auto type_name = http::optional_string_member(call.body, "crmType");
  if (!type_name) return type_name.error();
  const auto type = workflows::crm_type_from(type_name->value_or("generic"));
  if (!type)
    return bad_request("invalid_field",
                       "field 'crmType' must be one of oracle-b2c, salesforce, zendesk, dynamics, "
                       "servicenow, generic",
                       "crmType");
  if (call.repos.catalog.instance(call.customer, *crm_id))
    return Problem{409, "already_exists", "instance '" + *crm_id + "' already exists", "crmId"};
  auto urls = url_templates(call.body, workflows::url_presets(*type));
  if (!urls) return urls.error();
  auto supersede = supersede_by(call.body, std::string(workflows::kDefaultSupersedeBy));
  if (!supersede) return supersede.error();

  workflows::Instance instance{call.customer,           *crm_id,
                               name->value_or(*crm_id), *type,
                               std::move(*urls),        std::move(*supersede),
                               call.now_ms / 1000,      1};
  call.repos.catalog.insert_instance(instance);
  for (auto event : workflows::kBuiltInEvents)
    call.repos.catalog.insert_event(workflows::built_in_event(call.customer, *crm_id, event));
  const auto after = to_json(instance);
  call.audit("instance.create", instance_target(*crm_id), "", json::serialize(after));
  call.service.catalog_changed();
  return json_reply(201, after, std::to_string(instance.revision));
}

Checked<Reply> get_instance(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  return json_reply(200, to_json(*instance), std::to_string(instance->revision));
}

Checked<Reply> patch_instance(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  if (auto known = http::only_members(
          call.body, {"name", "crmType", "urlTemplates", "supersedeBy", "revision"});
      !known)
    return known.error();
  if (auto conflict = call.stale(instance->revision)) return *conflict;
  const auto before = json::serialize(to_json(*instance));
  auto name = http::optional_string_member(call.body, "name");
  if (!name) return name.error();
  if (*name) instance->name = std::move(**name);
  auto type_name = http::optional_string_member(call.body, "crmType");
  if (!type_name) return type_name.error();
  if (*type_name) {
    const auto type = workflows::crm_type_from(**type_name);
    if (!type)
      return bad_request("invalid_field", "field 'crmType' is not a known CRM type", "crmType");
    // A new CRM type brings its presets, unless the same request sets the templates.
    if (*type != instance->crm_type) instance->urls = workflows::url_presets(*type);
    instance->crm_type = *type;
  }
  auto urls = url_templates(call.body, instance->urls);
  if (!urls) return urls.error();
  instance->urls = std::move(*urls);
  auto supersede = supersede_by(call.body, instance->supersede_by);
  if (!supersede) return supersede.error();
  instance->supersede_by = std::move(*supersede);
  ++instance->revision;
  call.repos.catalog.update_instance(*instance);
  const auto after = to_json(*instance);
  call.audit("instance.update", instance_target(instance->crm_id), before, json::serialize(after));
  call.service.catalog_changed();
  return json_reply(200, after, std::to_string(instance->revision));
}

Checked<Reply> delete_instance(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  if (auto conflict = call.stale(instance->revision)) return *conflict;
  call.repos.catalog.remove_instance(call.customer, instance->crm_id);
  call.audit("instance.delete", instance_target(instance->crm_id),
             json::serialize(to_json(*instance)), "");
  call.service.catalog_changed();
  return Reply{204, "", "", {}, {}};
}

Checked<Reply> list_profiles(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  json::array list;
  for (const auto& profile : call.repos.catalog.profiles(call.customer, instance->crm_id))
    list.push_back(to_json(profile));
  return json_reply(200, {{"profiles", std::move(list)}});
}

Checked<Reply> add_profile(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  if (auto known = http::only_members(call.body, {"name"}); !known) return known.error();
  auto name = http::string_member(call.body, "name");
  if (!name) return name.error();
  if (auto problem = name_problem(*name, "name")) return *problem;
  if (*name == "all")
    return bad_request("invalid_field",
                       "'all' means every profile when publishing; name the profile otherwise",
                       "name");
  for (const auto& profile : call.repos.catalog.profiles(call.customer, instance->crm_id))
    if (profile.name == *name)
      return Problem{409, "already_exists", "profile '" + *name + "' already exists", "name"};
  workflows::Profile profile{call.customer, instance->crm_id, *name};
  call.repos.catalog.insert_profile(profile);
  call.audit("profile.create", instance_target(instance->crm_id), "",
             json::serialize(to_json(profile)));
  call.service.catalog_changed();
  return json_reply(201, to_json(profile));
}

Checked<Reply> delete_profile(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  const std::string name(call.params["name"]);
  for (const auto& publication : call.repos.workflows.publications(call.customer, instance->crm_id))
    if (publication.profile == name)
      return Problem{409, "in_use",
                     "profile '" + name + "' has workflows published to it (event '" +
                         publication.event + "'); unpublish them first",
                     "name"};
  if (!call.repos.catalog.remove_profile(call.customer, instance->crm_id, name))
    return not_found("no profile '" + name + "' in instance '" + instance->crm_id + "'");
  call.audit("profile.delete", instance_target(instance->crm_id),
             json::serialize(json::object{{"name", name}}), "");
  call.service.catalog_changed();
  return Reply{204, "", "", {}, {}};
}

Checked<Reply> list_agents(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  const auto page = call.page_limit(100, kMaxAgentsPage);
  if (!page) return page.error();
  const auto limit = *page;
  auto after = call.query_value("after");
  auto agents =
      call.repos.catalog.agents(call.customer, instance->crm_id,
                                after.empty() ? std::nullopt : std::optional(after), limit + 1);
  const bool more = agents.size() > limit;
  if (more) agents.resize(limit);
  json::array list;
  for (const auto& agent : agents) list.push_back(to_json(agent));
  json::value next = more ? json::value(agents.back().agent_id) : json::value();
  return json_reply(200, {{"agents", std::move(list)}, {"next", std::move(next)}});
}

Checked<Reply> put_agent(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  if (auto known = http::only_members(call.body, {"agentId", "profile"}); !known)
    return known.error();
  auto agent_id = http::string_member(call.body, "agentId");
  if (!agent_id) return agent_id.error();
  if (auto problem = topic_level_problem(*agent_id, "agentId")) return *problem;
  auto profile = http::string_member(call.body, "profile");
  if (!profile) return profile.error();
  bool known_profile = false;
  for (const auto& existing : call.repos.catalog.profiles(call.customer, instance->crm_id))
    known_profile |= existing.name == *profile;
  if (!known_profile)
    return bad_request(
        "unknown_profile",
        "instance '" + instance->crm_id + "' has no profile '" + *profile + "'; add it first",
        "profile");
  workflows::AgentEntry agent{call.customer, instance->crm_id, *agent_id, *profile};
  call.repos.catalog.put_agent(agent);
  call.audit("agent.put", instance_target(instance->crm_id), "", json::serialize(to_json(agent)));
  call.service.catalog_changed();
  return json_reply(200, to_json(agent));
}

Checked<Reply> delete_agent(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  const std::string agent_id(call.params["agentId"]);
  if (!call.repos.catalog.remove_agent(call.customer, instance->crm_id, agent_id))
    return not_found("agent '" + agent_id + "' is not in the directory of '" + instance->crm_id +
                     "'");
  call.audit("agent.delete", instance_target(instance->crm_id),
             json::serialize(json::object{{"agentId", agent_id}}), "");
  call.service.catalog_changed();
  return Reply{204, "", "", {}, {}};
}

Checked<Reply> list_events(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  json::array list;
  for (const auto& event : call.repos.catalog.events(call.customer, instance->crm_id))
    list.push_back(to_json(event));
  return json_reply(200, {{"events", std::move(list)}});
}

Checked<Reply> add_event(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  if (auto known = http::only_members(call.body, {"name", "description", "staleAfter"}); !known)
    return known.error();
  auto name = http::string_member(call.body, "name");
  if (!name) return name.error();
  if (auto problem = name_problem(*name, "name")) return *problem;
  auto description = http::optional_string_member(call.body, "description");
  if (!description) return description.error();
  auto limit = stale_after(call.body, std::nullopt);
  if (!limit) return limit.error();
  if (find_event(call, instance->crm_id, *name))
    return Problem{409, "already_exists", "event '" + *name + "' already exists", "name"};
  workflows::Event event{call.customer, instance->crm_id, *name, description->value_or(""), false,
                         *limit};
  call.repos.catalog.insert_event(event);
  call.audit("event.create", instance_target(instance->crm_id), "",
             json::serialize(to_json(event)));
  call.service.catalog_changed();
  return json_reply(201, to_json(event));
}

Checked<Reply> patch_event(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  const std::string name(call.params["name"]);
  auto event = find_event(call, instance->crm_id, name);
  if (!event) return not_found("no event '" + name + "' in instance '" + instance->crm_id + "'");
  if (auto known = http::only_members(call.body, {"description", "staleAfter"}); !known)
    return known.error();
  const auto before = json::serialize(to_json(*event));
  auto description = http::optional_string_member(call.body, "description");
  if (!description) return description.error();
  if (*description) event->description = std::move(**description);
  auto limit = stale_after(call.body, event->stale_after);
  if (!limit) return limit.error();
  event->stale_after = *limit;
  call.repos.catalog.update_event(*event);
  const auto after = to_json(*event);
  call.audit("event.update", instance_target(instance->crm_id), before, json::serialize(after));
  call.service.catalog_changed();
  return json_reply(200, after);
}

Checked<Reply> delete_event(AdminCall& call) {
  auto instance = existing_instance(call);
  if (!instance) return instance.error();
  const std::string name(call.params["name"]);
  auto found = find_event(call, instance->crm_id, name);
  if (!found) return not_found("no event '" + name + "' in instance '" + instance->crm_id + "'");
  if (found->built_in)
    return Problem{409, "built_in", "'" + name + "' is a built-in event and stays", "name"};
  for (const auto& workflow : call.repos.workflows.workflows(call.customer, instance->crm_id))
    if (workflow.event == name)
      return Problem{409, "in_use",
                     "workflow '" + workflow.name + "' is bound to event '" + name +
                         "'; delete it or bind it to another event first",
                     "name"};
  call.repos.catalog.remove_event(call.customer, instance->crm_id, name);
  call.audit("event.delete", instance_target(instance->crm_id), json::serialize(to_json(*found)),
             "");
  call.service.catalog_changed();
  return Reply{204, "", "", {}, {}};
}

}  // namespace popflow::admin
