// export_workflows(): what `workflow export` writes. Workflows are matched by name on import,
// so no id or time goes into the file: the same state exports to the same bytes.
#include <map>

#include "admin/workflow_files.hpp"

namespace popflow::admin {
namespace {

constexpr std::size_t kAgentsPage = 1000;

}  // namespace

std::vector<workflows::AgentEntry> instance_agents(store::Repositories& repos,
                                                   const std::string& customer,
                                                   const std::string& crm_id) {
  std::vector<workflows::AgentEntry> all;
  std::optional<std::string> after;
  for (;;) {
    auto page = repos.catalog.agents(customer, crm_id, after, kAgentsPage);
    if (page.empty()) break;
    after = page.back().agent_id;
    const bool last = page.size() < kAgentsPage;
    all.insert(all.end(), std::make_move_iterator(page.begin()),
               std::make_move_iterator(page.end()));
    if (last) break;
  }
  return all;
}

std::optional<Exported> export_workflows(store::Repositories& repos, const std::string& customer,
                                         const std::string& crm_id) {
  auto instance = repos.catalog.instance(customer, crm_id);
  if (!instance) return std::nullopt;
  Exported out;
  out.file.instance = std::move(*instance);
  for (const auto& profile : repos.catalog.profiles(customer, crm_id))
    out.file.profiles.push_back(profile.name);
  out.file.agents = instance_agents(repos, customer, crm_id);
  // Custom events, and built-in ones an administrator changed (a file that leaves them out
  // leaves them as a new instance has them).
  for (const auto& event : repos.catalog.events(customer, crm_id))
    if (!event.built_in || !event.description.empty() ||
        event.stale_after != workflows::default_stale_after(event.name))
      out.file.events.push_back(event);

  const auto publications = repos.workflows.publications(customer, crm_id);
  for (const auto& workflow : repos.workflows.workflows(customer, crm_id)) {
    FileWorkflow entry{workflow.name, workflow.event, workflow.description, workflow.draft, {}};
    std::map<int, std::vector<PublishTarget>> stale;  // versions unlike the draft → targets
    for (const auto& publication : publications) {
      if (publication.workflow_id != workflow.id) continue;
      if (!entry.publish) entry.publish.emplace();
      entry.publish->push_back(publication.profile);
      const auto version = repos.workflows.version(workflow.id, publication.version);
      if (!version || version->definition != workflow.draft)
        stale[publication.version].push_back(publication.profile);
    }
    for (const auto& [number, targets] : stale) {
      std::string to;
      for (const auto& target : targets) to += (to.empty() ? "" : ", ") + target_label(target);
      out.warnings.push_back("workflow '" + workflow.name + "' is published as v" +
                             std::to_string(number) + " (to " + to +
                             ") and its draft differs from that version: the file holds the "
                             "draft; importing it publishes the draft");
    }
    out.file.workflows.push_back(std::move(entry));
  }
  return out;
}

}  // namespace popflow::admin
