// Publishing for `workflow import` and `workflow publish`: the admin API's publish() and
// unpublish() (workflow_rules.hpp), audited the same way, reported one line per change.
#include <boost/json/serialize.hpp>

#include "admin/workflow_import_steps.hpp"
#include "admin/workflow_rules.hpp"
#include "workflows/did_you_mean.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

std::string labels(const std::vector<PublishTarget>& targets) {
  std::string out;
  for (const auto& target : targets) out += (out.empty() ? "" : ", ") + target_label(target);
  return out;
}

Checked<workflows::Workflow> named_workflow(store::Repositories& repos, const std::string& customer,
                                            const std::string& crm_id, const std::string& name) {
  if (!repos.catalog.instance(customer, crm_id))
    return Problem{404, "not_found", "customer '" + customer + "' has no instance '" + crm_id + "'",
                   "instance"};
  std::vector<std::string> names;
  for (auto& workflow : repos.workflows.workflows(customer, crm_id)) {
    if (workflow.name == name) return std::move(workflow);
    names.push_back(workflow.name);
  }
  std::string message = "instance '" + crm_id + "' has no workflow '" + name + "'";
  if (auto near = workflows::did_you_mean(name, names))
    message += "; did you mean '" + *near + "'?";
  return Problem{404, "not_found", std::move(message), "NAME"};
}

}  // namespace

Problem about_workflow(const std::string& name, Problem problem) {
  problem.message = "workflow '" + name + "': " + problem.message;
  return problem;
}

Checked<void> publish_to(ImportRun& run, const workflows::Workflow& workflow, int version,
                         const std::vector<PublishTarget>& targets) {
  std::optional<std::vector<std::string>> profiles;  // nullopt: all profiles
  if (targets.front()) {
    profiles.emplace();
    for (const auto& target : targets) profiles->push_back(*target);
  }
  auto change = publish(run.repos, workflow, version, profiles, run.actor, run.now_ms / 1000);
  if (!change) return about_workflow(workflow.name, change.error());
  run.audit("workflow.publish", "workflow:" + workflow.id, change->before, change->after);
  std::string line =
      "published '" + workflow.name + "' v" + std::to_string(version) + " to " + labels(targets);
  for (const auto& replaced : change->answer.at("replaced").as_array()) {
    const auto& old = replaced.as_object();
    const auto other =
        run.repos.workflows.workflow(run.customer, std::string(old.at("workflowId").as_string()));
    line += " (replacing '" + (other ? other->name : std::string("?")) + "' v" +
            std::to_string(old.at("version").as_int64()) + " for " +
            std::string(old.at("profile").as_string()) + ")";
  }
  run.change(std::move(line));
  return {};
}

Checked<std::vector<std::string>> publish_named(store::Repositories& repos,
                                                const std::string& customer,
                                                const std::string& crm_id, const std::string& name,
                                                std::optional<int> version,
                                                const std::vector<PublishTarget>& targets,
                                                const std::string& actor, std::int64_t now_ms) {
  auto workflow = named_workflow(repos, customer, crm_id, name);
  if (!workflow) return workflow.error();
  const Config unused;  // publishing validates nothing against limits
  ImportRun run{repos, customer, unused, actor, now_ms, {}};
  if (!version) {
    const auto frozen = freeze(repos, *workflow, actor, now_ms / 1000);
    if (frozen.created) {
      run.audit("workflow.version", "workflow:" + workflow->id, "",
                json::serialize(json::object{{"version", frozen.number}}));
      run.change("froze '" + name + "' as v" + std::to_string(frozen.number));
    }
    version = frozen.number;
  }
  std::vector<PublishTarget> all, named;
  for (const auto& target : targets) (target ? named : all).push_back(target);
  if (targets.empty()) all.emplace_back();
  if (!all.empty())
    if (auto ok = publish_to(run, *workflow, *version, all); !ok) return ok.error();
  if (!named.empty())
    if (auto ok = publish_to(run, *workflow, *version, named); !ok) return ok.error();
  return std::move(run.report.changes);
}

Checked<std::vector<std::string>> unpublish_named(store::Repositories& repos,
                                                  const std::string& customer,
                                                  const std::string& crm_id,
                                                  const std::string& name,
                                                  const std::vector<PublishTarget>& targets,
                                                  const std::string& actor, std::int64_t now_ms) {
  auto workflow = named_workflow(repos, customer, crm_id, name);
  if (!workflow) return workflow.error();
  const Config unused;
  ImportRun run{repos, customer, unused, actor, now_ms, {}};
  std::vector<std::optional<std::string>> labels_wanted;
  if (targets.empty()) labels_wanted.emplace_back();  // every publication
  for (const auto& target : targets) labels_wanted.emplace_back(target_label(target));
  for (const auto& label : labels_wanted) {
    auto change = unpublish(repos, *workflow, label);
    if (!change) return about_workflow(name, change.error());
    run.audit("workflow.unpublish", "workflow:" + workflow->id, change->before, change->after);
    std::string from;
    for (const auto& item : change->answer.at("unpublished").as_array())
      from += (from.empty() ? "" : ", ") + std::string(item.as_string());
    run.change("unpublished '" + name + "' from " + from);
  }
  return std::move(run.report.changes);
}

}  // namespace popflow::admin
