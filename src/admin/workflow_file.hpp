#pragma once
// The workflow file of `popflow-connect workflow export|import` (docs/workflows.md
// "Configuration as code"): one instance's profiles, agents, custom events and workflows as
// JSON a deployment keeps in git.
//
//   {"popflowWorkflows": 1,
//    "instance": {"crmId", "name", "crmType", "urlTemplates": {"record", "newRecord", "search"}},
//    "profiles": ["Tier 1"], "agents": [{"agentId", "profile"}],
//    "events": [{"name", "description"}],
//    "workflows": [{"name", "event", "description", "definition": {…},
//                   "publish": "all" | ["all", "Tier 1"] | null}]}
//
// Parsing checks the shape only (types, unknown members, duplicate keys, repeated names);
// definitions, names and URL templates are checked by the import against the same rules as
// the admin API. Writing is deterministic: lists sorted by name, definitions in
// workflows::canonical_json's layout, so two exports of the same state are byte-identical.
// No I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"
#include "workflows/catalog.hpp"

namespace popflow::admin {

inline constexpr int kWorkflowFileFormat = 1;

// A publication target: a profile's name, or nullopt for all profiles ("all" in the file).
using PublishTarget = std::optional<std::string>;

struct FileWorkflow {
  std::string name;
  std::string event;
  std::string description;
  std::string definition;  // JSON text; canonical when written, as the author wrote it when read
  // nullopt: the file does not manage this workflow's publications ("publish": null).
  std::optional<std::vector<PublishTarget>> publish;
};

struct WorkflowFile {
  workflows::Instance instance;  // customer_id, created_at and revision unused
  std::vector<std::string> profiles;
  std::vector<workflows::AgentEntry> agents;  // agent_id and profile
  std::vector<workflows::Event> events;       // custom events: name and description
  std::vector<FileWorkflow> workflows;
};

// Problem 400 "invalid_workflow_file" with `field` the JSON path at fault
// ("workflows[2].publish"); malformed JSON and duplicate keys included.
Checked<WorkflowFile> parse_workflow_file(std::string_view text);

// Sorts the lists (a copy of `file`'s data is sorted, `file` is untouched). A definition that
// is not JSON text is written as null, which import refuses.
std::string write_workflow_file(const WorkflowFile& file);

// "all", "Tier 1", … as the file, reports and messages show targets.
std::string target_label(const PublishTarget& target);

}  // namespace popflow::admin
