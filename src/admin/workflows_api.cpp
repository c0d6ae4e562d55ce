// Workflows, their versions and what is published (CONTRACT "Admin API"). Runs on the store
// thread, in the route's transaction. Every definition is validated by the one validator
// (workflows/definition.hpp) before it is stored, here as in `workflow import`.
#include <algorithm>
#include <limits>

#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "admin/workflow_rules.hpp"
#include "http/json_body.hpp"
#include "store/key_store.hpp"
#include "workflows/did_you_mean.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

Problem not_found(std::string what) {
  return Problem{404, "not_found", std::move(what), ""};
}

Checked<workflows::Workflow> existing_workflow(AdminCall& call) {
  const std::string id(call.params["id"]);
  auto workflow = call.repos.workflows.workflow(call.customer, id);
  if (!workflow) return not_found("no workflow '" + id + "'");
  return std::move(*workflow);
}

// The definition member as JSON text, validated; the canonical form is what is stored.
Checked<std::string> definition_member(const AdminCall& call) {
  const auto* value = call.body.if_contains("definition");
  if (!value || value->is_null())
    return bad_request("missing_field", "field 'definition' is required", "definition");
  return validated_definition(json::serialize(*value), call.service.config());
}

json::object full_json(AdminCall& call, const workflows::Workflow& workflow) {
  auto out = to_json(workflow, true);
  json::array versions;
  for (const auto& version : call.repos.workflows.versions(workflow.id))
    versions.push_back(to_json(version));
  out["versions"] = std::move(versions);
  json::array publications;
  for (const auto& publication : call.repos.workflows.publications(call.customer, workflow.crm_id))
    if (publication.workflow_id == workflow.id) publications.push_back(to_json(publication));
  out["publications"] = std::move(publications);
  return out;
}

std::string target_of(const workflows::Workflow& workflow) {
  return "workflow:" + workflow.id;
}

}  // namespace

Checked<Reply> list_workflows(AdminCall& call) {
  const std::string crm_id(call.params["crmId"]);
  if (!call.repos.catalog.instance(call.customer, crm_id))
    return not_found("no instance '" + crm_id + "'");
  json::array list;
  for (const auto& workflow : call.repos.workflows.workflows(call.customer, crm_id))
    list.push_back(to_json(workflow, false));
  return json_reply(200, {{"workflows", std::move(list)}});
}

Checked<Reply> create_workflow(AdminCall& call) {
  const std::string crm_id(call.params["crmId"]);
  if (!call.repos.catalog.instance(call.customer, crm_id))
    return not_found("no instance '" + crm_id + "'");
  if (auto known = http::only_members(call.body, {"name", "event", "description", "definition"});
      !known)
    return known.error();
  auto name = http::string_member(call.body, "name");
  if (!name) return name.error();
  if (auto problem = name_problem(*name, "name")) return *problem;
  auto event = http::string_member(call.body, "event");
  if (!event) return event.error();
  if (auto problem = unknown_event(call.repos, call.customer, crm_id, *event)) return *problem;
  auto description = http::optional_string_member(call.body, "description");
  if (!description) return description.error();
  auto definition = definition_member(call);
  if (!definition) return definition.error();
  for (const auto& existing : call.repos.workflows.workflows(call.customer, crm_id))
    if (existing.name == *name)
      return Problem{409, "already_exists",
                     "instance '" + crm_id + "' already has a workflow named '" + *name + "'",
                     "name"};
  const auto now = call.now_ms / 1000;
  workflows::Workflow workflow{
      store::random_id("wf_"),   call.customer,          crm_id, *name, *event,
      description->value_or(""), std::move(*definition), now,    now,   1};
  call.repos.workflows.insert_workflow(workflow);
  call.audit("workflow.create", target_of(workflow), "", json::serialize(to_json(workflow, false)));
  return json_reply(201, full_json(call, workflow), std::to_string(workflow.revision));
}

Checked<Reply> get_workflow(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  return json_reply(200, full_json(call, *workflow), std::to_string(workflow->revision));
}

Checked<Reply> put_workflow(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  if (auto known =
          http::only_members(call.body, {"name", "event", "description", "definition", "revision"});
      !known)
    return known.error();
  if (auto conflict = call.stale(workflow->revision, "this workflow")) return *conflict;
  const auto before = json::serialize(to_json(*workflow, true));
  auto definition = definition_member(call);
  if (!definition) return definition.error();
  workflow->draft = std::move(*definition);
  auto name = http::optional_string_member(call.body, "name");
  if (!name) return name.error();
  if (*name) {
    if (auto problem = name_problem(**name, "name")) return *problem;
    for (const auto& other : call.repos.workflows.workflows(call.customer, workflow->crm_id))
      if (other.name == **name && other.id != workflow->id)
        return Problem{409, "already_exists",
                       "another workflow of this instance is named '" + **name + "'", "name"};
    workflow->name = std::move(**name);
  }
  auto event = http::optional_string_member(call.body, "event");
  if (!event) return event.error();
  if (*event && **event != workflow->event) {
    if (auto problem = unknown_event(call.repos, call.customer, workflow->crm_id, **event))
      return *problem;
    if (is_published(call.repos, *workflow))
      return Problem{409, "published",
                     "this workflow is published to event '" + workflow->event +
                         "'; unpublish it before binding it to another event",
                     "event"};
    workflow->event = std::move(**event);
  }
  auto description = http::optional_string_member(call.body, "description");
  if (!description) return description.error();
  if (*description) workflow->description = std::move(**description);
  workflow->updated_at = call.now_ms / 1000;
  ++workflow->revision;
  call.repos.workflows.update_workflow(*workflow);
  call.audit("workflow.update", target_of(*workflow), before,
             json::serialize(to_json(*workflow, true)));
  // Triggers name a published workflow: a new name must reach them.
  if (*name && is_published(call.repos, *workflow)) call.service.catalog_changed();
  return json_reply(200, full_json(call, *workflow), std::to_string(workflow->revision));
}

Checked<Reply> delete_workflow(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  if (auto conflict = call.stale(workflow->revision, "this workflow")) return *conflict;
  const bool published = is_published(call.repos, *workflow);
  call.repos.workflows.remove_workflow(call.customer, workflow->id);
  call.audit("workflow.delete", target_of(*workflow), json::serialize(to_json(*workflow, true)),
             "");
  if (published) call.service.catalog_changed();
  return Reply{204, "", "", {}, {}};
}

Checked<Reply> freeze_version(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  if (auto conflict = call.stale(workflow->revision, "this workflow")) return *conflict;
  const auto frozen = freeze(call.repos, *workflow, call.caller.actor(), call.now_ms / 1000);
  if (frozen.created)
    call.audit("workflow.version", target_of(*workflow), "",
               json::serialize(json::object{{"version", frozen.number}}));
  return json_reply(frozen.created ? 201 : 200,
                    {{"version", frozen.number}, {"created", frozen.created}});
}

Checked<Reply> publish_workflow(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  if (auto known = http::only_members(call.body, {"version", "profiles"}); !known)
    return known.error();
  auto version = http::optional_integer_member(call.body, "version");
  if (!version) return version.error();
  if (!*version)
    return bad_request("missing_field",
                       "field 'version' is required: publish a numbered version (POST "
                       "/api/admin/workflows/{id}/versions freezes the draft as one)",
                       "version");
  // Versions are ints: a larger number must not wrap around to a version that exists.
  if (**version < 1 || **version > std::numeric_limits<int>::max())
    return bad_request("invalid_field", "field 'version' must be a version number: 1, 2, …",
                       "version");
  auto profiles = publication_profiles(call.body);
  if (!profiles) return profiles.error();
  auto change = publish(call.repos, *workflow, static_cast<int>(**version), *profiles,
                        call.caller.actor(), call.now_ms / 1000);
  if (!change) return change.error();
  call.audit("workflow.publish", target_of(*workflow), change->before, change->after);
  call.service.catalog_changed();
  return json_reply(200, change->answer);
}

Checked<Reply> unpublish_workflow(AdminCall& call) {
  auto workflow = existing_workflow(call);
  if (!workflow) return workflow.error();
  const auto profile = call.query_value("profile");
  auto change =
      unpublish(call.repos, *workflow, profile.empty() ? std::nullopt : std::optional(profile));
  if (!change) return change.error();
  call.audit("workflow.unpublish", target_of(*workflow), change->before, change->after);
  call.service.catalog_changed();
  return json_reply(200, change->answer);
}

Checked<Reply> list_publications(AdminCall& call) {
  const std::string crm_id(call.params["crmId"]);
  if (!call.repos.catalog.instance(call.customer, crm_id))
    return not_found("no instance '" + crm_id + "'");
  return json_reply(200, publication_view(call.repos, call.customer, crm_id));
}

Checked<Reply> validate_workflow(AdminCall& call) {
  auto definition = definition_member(call);
  if (!definition) {
    const auto& problem = definition.error();
    return json_reply(200, {{"valid", false},
                            {"code", problem.code},
                            {"message", problem.message},
                            {"field", problem.field}});
  }
  return json_reply(200, {{"valid", true}, {"definition", definition_value(*definition)}});
}

}  // namespace popflow::admin
