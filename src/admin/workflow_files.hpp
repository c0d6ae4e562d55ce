#pragma once
// Configuration as code (docs/workflows.md "Configuration as code"): one instance of the
// workflow model to a WorkflowFile and back. Both run inside the caller's store transaction
// (`popflow-connect workflow export|import`, src/app/workflows_cli.cpp) and apply the admin
// API's rules through workflow_rules.hpp, so the CLI can store nothing the API would refuse.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin/workflow_file.hpp"
#include "core/config.hpp"
#include "store/repositories.hpp"

namespace popflow::admin {

struct Exported {
  WorkflowFile file;
  // One per workflow published as a version that differs from its draft (the file holds the
  // draft; importing it publishes the draft).
  std::vector<std::string> warnings;
};

// nullopt when the customer has no instance `crm_id`.
std::optional<Exported> export_workflows(store::Repositories& repos, const std::string& customer,
                                         const std::string& crm_id);

struct ImportReport {
  std::vector<std::string> changes;  // one line per change, in the order they were made
  std::vector<std::string> notes;    // what the import left alone on purpose
  std::size_t unchanged_workflows = 0;
};

// Makes the instance `file.instance.crm_id` of `customer` what the file says: creates or
// updates the instance, adds missing profiles, custom events and agents (deletes nothing),
// creates or replaces drafts, and for a workflow whose `publish` is set freezes its draft as
// a version when needed and publishes exactly that (publications of it elsewhere are
// removed). Every change is audited as `actor`. A Problem names the workflow or file field
// at fault; the caller must then roll back, as some writes may have been made.
Checked<ImportReport> import_workflows(store::Repositories& repos, const std::string& customer,
                                       const WorkflowFile& file, const Config& config,
                                       const std::string& actor, std::int64_t now_ms);

// `workflow publish NAME`: `version`, or else the draft (frozen as a version when it differs
// from the latest), published to `targets` (empty: all profiles). Other publications of the
// workflow stay. Returns the report's lines; a Problem names what is missing.
Checked<std::vector<std::string>> publish_named(store::Repositories& repos,
                                                const std::string& customer,
                                                const std::string& crm_id, const std::string& name,
                                                std::optional<int> version,
                                                const std::vector<PublishTarget>& targets,
                                                const std::string& actor, std::int64_t now_ms);
// `workflow publish NAME --unpublish`: its publications to `targets`, or all of them.
Checked<std::vector<std::string>> unpublish_named(store::Repositories& repos,
                                                  const std::string& customer,
                                                  const std::string& crm_id,
                                                  const std::string& name,
                                                  const std::vector<PublishTarget>& targets,
                                                  const std::string& actor, std::int64_t now_ms);

// The whole agent directory of an instance (the repository pages it).
std::vector<workflows::AgentEntry> instance_agents(store::Repositories& repos,
                                                   const std::string& customer,
                                                   const std::string& crm_id);

}  // namespace popflow::admin
