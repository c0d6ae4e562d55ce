// import_workflows(), the instance and its catalog: what the file adds or changes besides
// the workflows themselves (workflow_import_workflows.cpp). Same names and rules as the admin
// API's instances_api.cpp; same audit actions, so the log reads the same whoever changed it.
#include <boost/json/serialize.hpp>
#include <map>

#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "admin/workflow_files.hpp"
#include "admin/workflow_import_steps.hpp"
#include "workflows/template.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

Problem at(const std::string& field, Problem problem) {
  problem.message = field + ": " + problem.message;
  problem.field = field;
  return problem;
}

Checked<void> import_instance(ImportRun& run, const workflows::Instance& wanted) {
  const auto& crm_id = wanted.crm_id;
  if (auto problem = topic_level_problem(crm_id, "instance.crmId")) return *problem;
  if (auto valid = workflows::validate_url_templates(wanted.urls); !valid)
    return at("instance.urlTemplates", valid.error());
  auto existing = run.repos.catalog.instance(run.customer, crm_id);
  const auto target = "instance:" + crm_id;
  if (!existing) {
    workflows::Instance instance = wanted;
    instance.customer_id = run.customer;
    instance.created_at = run.now_ms / 1000;
    instance.revision = 1;
    run.repos.catalog.insert_instance(instance);
    for (auto event : workflows::kBuiltInEvents)
      run.repos.catalog.insert_event(workflows::built_in_event(run.customer, crm_id, event));
    run.audit("instance.create", target, "", json::serialize(to_json(instance)));
    run.change("created instance '" + crm_id + "' (" + std::string(to_string(wanted.crm_type)) +
               ")");
    return {};
  }
  std::string what;
  const auto note = [&](bool differs, std::string_view field) {
    if (differs) what += (what.empty() ? "" : ", ") + std::string(field);
  };
  note(existing->name != wanted.name, "name");
  note(existing->crm_type != wanted.crm_type, "crmType");
  const auto& a = existing->urls;
  const auto& b = wanted.urls;
  note(a.record != b.record || a.new_record != b.new_record || a.search != b.search,
       "urlTemplates");
  note(existing->supersede_by != wanted.supersede_by, "supersedeBy");
  if (what.empty()) return {};
  const auto before = json::serialize(to_json(*existing));
  existing->name = wanted.name;
  existing->crm_type = wanted.crm_type;
  existing->urls = wanted.urls;
  existing->supersede_by = wanted.supersede_by;
  ++existing->revision;
  run.repos.catalog.update_instance(*existing);
  run.audit("instance.update", target, before, json::serialize(to_json(*existing)));
  run.change("updated instance '" + crm_id + "' (" + what + ")");
  return {};
}

Checked<void> import_profiles(ImportRun& run, const WorkflowFile& file) {
  const auto& crm_id = file.instance.crm_id;
  const auto existing = run.repos.catalog.profiles(run.customer, crm_id);
  for (std::size_t i = 0; i < file.profiles.size(); ++i) {
    const auto& name = file.profiles[i];
    const auto field = "profiles[" + std::to_string(i) + "]";
    if (auto problem = name_problem(name, field)) return *problem;
    if (name == "all")
      return bad_request("invalid_field",
                         field +
                             ": 'all' means every profile when publishing; name the profile "
                             "otherwise",
                         field);
    if (std::ranges::any_of(existing, [&](const auto& p) { return p.name == name; })) continue;
    workflows::Profile profile{run.customer, crm_id, name};
    run.repos.catalog.insert_profile(profile);
    run.audit("profile.create", "instance:" + crm_id, "", json::serialize(to_json(profile)));
    run.change("added profile '" + name + "'");
  }
  return {};
}

Checked<void> import_events(ImportRun& run, const WorkflowFile& file) {
  const auto& crm_id = file.instance.crm_id;
  const auto existing = run.repos.catalog.events(run.customer, crm_id);
  for (std::size_t i = 0; i < file.events.size(); ++i) {
    workflows::Event event = file.events[i];
    event.customer_id = run.customer;
    event.crm_id = crm_id;
    const auto field = "events[" + std::to_string(i) + "].name";
    if (auto problem = name_problem(event.name, field)) return *problem;
    const auto known =
        std::ranges::find_if(existing, [&](const auto& e) { return e.name == event.name; });
    if (known != existing.end()) {
      std::string what;
      if (known->description != event.description) what = "description";
      if (known->stale_after != event.stale_after)
        what += std::string(what.empty() ? "" : ", ") + "staleAfter";
      if (what.empty()) continue;
      event.built_in = known->built_in;
      run.repos.catalog.update_event(event);
      run.audit("event.update", "instance:" + crm_id, json::serialize(to_json(*known)),
                json::serialize(to_json(event)));
      run.change("updated event '" + event.name + "' (" + what + ")");
      continue;
    }
    run.repos.catalog.insert_event(event);
    run.audit("event.create", "instance:" + crm_id, "", json::serialize(to_json(event)));
    run.change("added event '" + event.name + "'");
  }
  return {};
}

Checked<void> import_agents(ImportRun& run, const WorkflowFile& file) {
  const auto& crm_id = file.instance.crm_id;
  std::map<std::string, std::string> existing;  // agent id → profile
  for (auto& agent : instance_agents(run.repos, run.customer, crm_id))
    existing.emplace(std::move(agent.agent_id), std::move(agent.profile));
  const auto profiles = run.repos.catalog.profiles(run.customer, crm_id);
  for (std::size_t i = 0; i < file.agents.size(); ++i) {
    workflows::AgentEntry agent = file.agents[i];
    agent.customer_id = run.customer;
    agent.crm_id = crm_id;
    const auto field = "agents[" + std::to_string(i) + "]";
    if (auto problem = topic_level_problem(agent.agent_id, field + ".agentId")) return *problem;
    if (!std::ranges::any_of(profiles, [&](const auto& p) { return p.name == agent.profile; }))
      return bad_request("unknown_profile",
                         field + ": instance '" + crm_id + "' has no profile '" + agent.profile +
                             "'; list it under \"profiles\"",
                         field + ".profile");
    const auto known = existing.find(agent.agent_id);
    if (known != existing.end() && known->second == agent.profile) continue;
    run.repos.catalog.put_agent(agent);
    run.audit("agent.put", "instance:" + crm_id, "", json::serialize(to_json(agent)));
    run.change("set agent '" + agent.agent_id + "' to profile '" + agent.profile + "'");
  }
  return {};
}

}  // namespace

void ImportRun::audit(std::string action, std::string target, std::string before,
                      std::string after) {
  repos.audit.append({0, customer, now_ms, actor, std::move(action), std::move(target),
                      std::move(before), std::move(after)});
}

void ImportRun::change(std::string line) {
  report.changes.push_back(std::move(line));
}

Checked<ImportReport> import_workflows(store::Repositories& repos, const std::string& customer,
                                       const WorkflowFile& file, const Config& config,
                                       const std::string& actor, std::int64_t now_ms) {
  ImportRun run{repos, customer, config, actor, now_ms, {}};
  if (auto ok = import_instance(run, file.instance); !ok) return ok.error();
  if (auto ok = import_profiles(run, file); !ok) return ok.error();
  if (auto ok = import_events(run, file); !ok) return ok.error();
  if (auto ok = import_agents(run, file); !ok) return ok.error();
  if (auto ok = import_file_workflows(run, file); !ok) return ok.error();
  return std::move(run.report);
}

}  // namespace popflow::admin
