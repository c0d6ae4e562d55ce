// import_workflows(), the workflows: drafts, versions and publications. Matched by name, so a
// file exported from one data dir imports into another (ids are the store's own).
#include <boost/json/serialize.hpp>
#include <map>

#include "admin/json_views.hpp"
#include "admin/names.hpp"
#include "admin/workflow_import_steps.hpp"
#include "admin/workflow_rules.hpp"
#include "store/key_store.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

// Two workflows of one file published to the same (event, profile) would take it from each
// other on every import: refused before anything is written.
Checked<void> check_file_publications(const WorkflowFile& file) {
  std::map<std::pair<std::string, PublishTarget>, std::string> owner;
  for (const auto& workflow : file.workflows) {
    if (!workflow.publish) continue;
    for (const auto& target : *workflow.publish) {
      const auto [known, fresh] = owner.emplace(std::pair{workflow.event, target}, workflow.name);
      if (!fresh)
        return bad_request("publication_conflict",
                           "workflows '" + known->second + "' and '" + workflow.name +
                               "' are both published to event '" + workflow.event + "' for " +
                               target_label(target) + "; one workflow runs per event and profile",
                           "workflows");
    }
  }
  return {};
}

std::vector<workflows::Publication> publications_of(ImportRun& run,
                                                    const workflows::Workflow& workflow) {
  std::vector<workflows::Publication> out;
  for (auto& publication : run.repos.workflows.publications(run.customer, workflow.crm_id))
    if (publication.workflow_id == workflow.id) out.push_back(std::move(publication));
  return out;
}

// Creates the workflow, or replaces its draft, event and description where they differ.
Checked<workflows::Workflow> import_draft(ImportRun& run, const FileWorkflow& wanted,
                                          const std::string& crm_id, const std::string& field) {
  if (auto problem = name_problem(wanted.name, field + ".name")) return *problem;
  if (auto problem = unknown_event(run.repos, run.customer, crm_id, wanted.event,
                                   "list it under \"events\" in the file"))
    return about_workflow(wanted.name, *problem);
  auto definition = validated_definition(wanted.definition, run.config);
  if (!definition) {
    auto problem = about_workflow(wanted.name, definition.error());
    if (!problem.field.empty()) problem.message += " (field definition." + problem.field + ")";
    problem.field = field + ".definition" + (problem.field.empty() ? "" : "." + problem.field);
    return problem;
  }
  std::optional<workflows::Workflow> existing;
  for (auto& workflow : run.repos.workflows.workflows(run.customer, crm_id))
    if (workflow.name == wanted.name) existing = std::move(workflow);
  const auto now = run.now_ms / 1000;
  if (!existing) {
    workflows::Workflow workflow{
        store::random_id("wf_"), run.customer, crm_id, wanted.name, wanted.event,
        wanted.description,      *definition,  now,    now,         1};
    run.repos.workflows.insert_workflow(workflow);
    run.audit("workflow.create", "workflow:" + workflow.id, "",
              json::serialize(to_json(workflow, false)));
    run.change("created workflow '" + wanted.name + "'");
    return workflow;
  }
  std::string what;
  const auto note = [&](bool differs, std::string_view part) {
    if (differs) what += (what.empty() ? "" : ", ") + std::string(part);
  };
  note(existing->draft != *definition, "definition");
  note(existing->event != wanted.event, "event");
  note(existing->description != wanted.description, "description");
  if (what.empty()) return std::move(*existing);
  if (existing->event != wanted.event && is_published(run.repos, *existing)) {
    if (!wanted.publish)
      return about_workflow(
          wanted.name,
          Problem{409, "published",
                  "it is published to event '" + existing->event +
                      "'; give it a \"publish\" in the file, or unpublish it (workflow "
                      "publish NAME --unpublish), before binding it to another event",
                  field + ".event"});
    auto change = unpublish(run.repos, *existing, std::nullopt);
    if (!change) return about_workflow(wanted.name, change.error());
    run.audit("workflow.unpublish", "workflow:" + existing->id, change->before, change->after);
    run.change("unpublished '" + wanted.name + "' from event '" + existing->event +
               "' (it moves to '" + wanted.event + "')");
  }
  const auto before = json::serialize(to_json(*existing, true));
  existing->draft = std::move(*definition);
  existing->event = wanted.event;
  existing->description = wanted.description;
  existing->updated_at = now;
  ++existing->revision;
  run.repos.workflows.update_workflow(*existing);
  run.audit("workflow.update", "workflow:" + existing->id, before,
            json::serialize(to_json(*existing, true)));
  run.change("updated workflow '" + wanted.name + "' (" + what + ")");
  return std::move(*existing);
}

// Publishes a version holding the draft to exactly `targets`: one already published stays
// (no new version for an unchanged draft), else the draft is frozen as one.
Checked<void> import_publications(ImportRun& run, const workflows::Workflow& workflow,
                                  const std::vector<PublishTarget>& targets) {
  const auto current = publications_of(run, workflow);
  int version = 0;
  for (const auto& publication : current) {
    const auto frozen = run.repos.workflows.version(workflow.id, publication.version);
    if (frozen && frozen->definition == workflow.draft)
      version = std::max(version, publication.version);
  }
  std::vector<PublishTarget> all, named;
  for (const auto& target : targets) {
    const bool already = std::ranges::any_of(current, [&](const auto& publication) {
      return publication.profile == target && publication.version == version;
    });
    if (!already) (target ? named : all).push_back(target);
  }
  if (version == 0 && !targets.empty()) {
    const auto frozen = freeze(run.repos, workflow, run.actor, run.now_ms / 1000);
    version = frozen.number;
    if (frozen.created) {
      run.audit("workflow.version", "workflow:" + workflow.id, "",
                json::serialize(json::object{{"version", version}}));
      run.change("froze '" + workflow.name + "' as v" + std::to_string(version));
    }
  }
  if (!all.empty())
    if (auto ok = publish_to(run, workflow, version, all); !ok) return ok.error();
  if (!named.empty())
    if (auto ok = publish_to(run, workflow, version, named); !ok) return ok.error();
  for (const auto& publication : current) {
    if (std::ranges::find(targets, publication.profile) != targets.end()) continue;
    auto change = unpublish(run.repos, workflow, target_label(publication.profile));
    if (!change) return about_workflow(workflow.name, change.error());
    run.audit("workflow.unpublish", "workflow:" + workflow.id, change->before, change->after);
    run.change("unpublished '" + workflow.name + "' from " + target_label(publication.profile));
  }
  return {};
}

}  // namespace

Checked<void> import_file_workflows(ImportRun& run, const WorkflowFile& file) {
  if (auto ok = check_file_publications(file); !ok) return ok.error();
  const auto& crm_id = file.instance.crm_id;
  for (std::size_t i = 0; i < file.workflows.size(); ++i) {
    const auto& wanted = file.workflows[i];
    const auto changes_before = run.report.changes.size();
    auto workflow = import_draft(run, wanted, crm_id, "workflows[" + std::to_string(i) + "]");
    if (!workflow) return workflow.error();
    if (wanted.publish)
      if (auto ok = import_publications(run, *workflow, *wanted.publish); !ok) return ok.error();
    if (run.report.changes.size() == changes_before) ++run.report.unchanged_workflows;
  }
  // After every publication of the file is made: one of them may have replaced these.
  for (const auto& wanted : file.workflows) {
    if (wanted.publish) continue;
    for (const auto& workflow : run.repos.workflows.workflows(run.customer, crm_id)) {
      if (workflow.name != wanted.name) continue;
      std::string where;
      for (const auto& publication : publications_of(run, workflow))
        where += (where.empty() ? "" : ", ") + target_label(publication.profile) + " (v" +
                 std::to_string(publication.version) + ")";
      if (!where.empty())
        run.report.notes.push_back("'" + wanted.name + "' stays published to " + where +
                                   ": its \"publish\" is null in the file, which leaves "
                                   "publications alone");
    }
  }
  return {};
}

}  // namespace popflow::admin
