#include "admin/workflow_rules.hpp"

#include <boost/json/serialize.hpp>

#include "admin/json_views.hpp"
#include "workflows/definition.hpp"
#include "workflows/did_you_mean.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

std::string profile_label(const std::optional<std::string>& profile) {
  return profile ? *profile : "all";
}

// The publications of one event of an instance, as the audit log shows them.
std::string event_publications(store::Repositories& repos, const workflows::Workflow& workflow) {
  json::array list;
  for (const auto& publication :
       repos.workflows.publications(workflow.customer_id, workflow.crm_id))
    if (publication.event == workflow.event) list.push_back(to_json(publication));
  return json::serialize(list);
}

}  // namespace

Checked<std::string> validated_definition(std::string_view text, const Config& config) {
  const workflows::DefinitionLimits limits{.max_bytes = config.workflow_max_bytes,
                                           .max_steps = config.workflow_max_steps,
                                           .max_depth = config.workflow_max_depth};
  auto definition = workflows::validate_definition(text, limits);
  if (!definition) return definition.error();
  return workflows::canonical_json(*definition);
}

std::optional<Problem> unknown_event(store::Repositories& repos, const std::string& customer,
                                     const std::string& crm_id, const std::string& event,
                                     std::string_view how_to_add) {
  std::vector<std::string> names;
  for (const auto& known : repos.catalog.events(customer, crm_id)) {
    if (known.name == event) return std::nullopt;
    names.push_back(known.name);
  }
  std::string message = "instance '" + crm_id + "' has no event '" + event + "'";
  if (auto near = workflows::did_you_mean(event, names))
    message += "; did you mean '" + *near + "'? Event names are exact (case and spaces)";
  else if (!how_to_add.empty())
    message += "; " + std::string(how_to_add);
  else
    message += "; add it with POST /api/admin/instances/" + crm_id + "/events";
  return bad_request("unknown_event", std::move(message), "event");
}

bool is_published(store::Repositories& repos, const workflows::Workflow& workflow) {
  for (const auto& publication :
       repos.workflows.publications(workflow.customer_id, workflow.crm_id))
    if (publication.workflow_id == workflow.id) return true;
  return false;
}

Frozen freeze(store::Repositories& repos, const workflows::Workflow& workflow,
              const std::string& actor, std::int64_t now) {
  const auto versions = repos.workflows.versions(workflow.id);
  if (!versions.empty() && versions.back().definition == workflow.draft)
    return {versions.back().number, false};
  const int number = versions.empty() ? 1 : versions.back().number + 1;
  repos.workflows.insert_version({workflow.id, number, workflow.draft, now, actor});
  return {number, true};
}

Checked<std::optional<std::vector<std::string>>> publication_profiles(const json::object& body) {
  using Result = std::optional<std::vector<std::string>>;
  const auto* value = body.if_contains("profiles");
  if (!value || value->is_null() || (value->is_string() && value->get_string() == "all"))
    return Result{};
  const auto invalid = bad_request(
      "invalid_field", "field 'profiles' must be \"all\" or a non-empty list of profile names",
      "profiles");
  if (!value->is_array() || value->get_array().empty()) return invalid;
  std::vector<std::string> names;
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) return invalid;
    names.emplace_back(item.get_string());
  }
  return Result(std::move(names));
}

Checked<PublicationChange> publish(store::Repositories& repos, const workflows::Workflow& workflow,
                                   int version,
                                   const std::optional<std::vector<std::string>>& profiles,
                                   const std::string& actor, std::int64_t now) {
  if (!repos.workflows.version(workflow.id, version))
    return Problem{404, "unknown_version",
                   "workflow '" + workflow.name + "' has no version " + std::to_string(version) +
                       "; freeze the draft with POST /api/admin/workflows/" + workflow.id +
                       "/versions",
                   "version"};
  std::vector<std::optional<std::string>> targets;
  if (!profiles) {
    targets.emplace_back();
  } else {
    const auto known = repos.catalog.profiles(workflow.customer_id, workflow.crm_id);
    for (const auto& name : *profiles) {
      const bool exists = std::ranges::any_of(
          known, [&](const workflows::Profile& profile) { return profile.name == name; });
      if (!exists)
        return bad_request("unknown_profile",
                           "instance '" + workflow.crm_id + "' has no profile '" + name + "'",
                           "profiles");
      targets.emplace_back(name);
    }
  }
  PublicationChange change;
  change.before = event_publications(repos, workflow);
  json::array replaced;
  const auto existing = repos.workflows.publications(workflow.customer_id, workflow.crm_id);
  for (const auto& target : targets) {
    for (const auto& publication : existing)
      if (publication.event == workflow.event && publication.profile == target &&
          publication.workflow_id != workflow.id)
        replaced.push_back(to_json(publication));
    repos.workflows.put_publication({workflow.customer_id, workflow.crm_id, workflow.event, target,
                                     workflow.id, version, now, actor});
  }
  change.after = event_publications(repos, workflow);
  json::array published;
  for (const auto& target : targets) published.emplace_back(profile_label(target));
  change.answer = {{"workflowId", workflow.id},
                   {"event", workflow.event},
                   {"version", version},
                   {"profiles", std::move(published)},
                   {"replaced", std::move(replaced)}};
  return change;
}

Checked<PublicationChange> unpublish(store::Repositories& repos,
                                     const workflows::Workflow& workflow,
                                     const std::optional<std::string>& profile) {
  PublicationChange change;
  change.before = event_publications(repos, workflow);
  json::array removed;
  for (const auto& publication :
       repos.workflows.publications(workflow.customer_id, workflow.crm_id)) {
    if (publication.workflow_id != workflow.id) continue;
    if (profile && profile_label(publication.profile) != *profile) continue;
    repos.workflows.remove_publication(workflow.customer_id, workflow.crm_id, publication.event,
                                       publication.profile);
    removed.emplace_back(profile_label(publication.profile));
  }
  if (removed.empty())
    return Problem{404, "not_published",
                   "workflow '" + workflow.name + "' is not published" +
                       (profile ? " to profile '" + *profile + "'" : std::string()),
                   "profile"};
  change.after = event_publications(repos, workflow);
  change.answer = {{"workflowId", workflow.id}, {"unpublished", std::move(removed)}};
  return change;
}

json::object publication_view(store::Repositories& repos, const std::string& customer,
                              const std::string& crm_id) {
  const auto publications = repos.workflows.publications(customer, crm_id);
  json::array list;
  for (const auto& publication : publications) list.push_back(to_json(publication));
  // Per profile (and "all", what unlisted agents get), per event: which publication wins.
  std::vector<std::optional<std::string>> profiles{std::nullopt};
  for (const auto& profile : repos.catalog.profiles(customer, crm_id))
    profiles.emplace_back(profile.name);
  json::array effective;
  for (const auto& profile : profiles) {
    json::object events;
    for (const auto& event : repos.catalog.events(customer, crm_id)) {
      const workflows::Publication* own = nullptr;
      const workflows::Publication* all = nullptr;
      for (const auto& publication : publications) {
        if (publication.event != event.name) continue;
        if (profile && publication.profile == profile) own = &publication;
        if (!publication.profile) all = &publication;
      }
      const auto* chosen = own ? own : all;
      if (!chosen) continue;
      events[event.name] = {{"workflowId", chosen->workflow_id},
                            {"version", chosen->version},
                            {"via", own ? "profile" : "all"}};
    }
    effective.push_back({{"profile", profile_label(profile)}, {"events", std::move(events)}});
  }
  return {{"publications", std::move(list)}, {"effective", std::move(effective)}};
}

}  // namespace popflow::admin
