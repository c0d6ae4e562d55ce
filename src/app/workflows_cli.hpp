#pragma once
// `popflow-connect workflow export|import|publish` (docs/workflows.md "Configuration as
// code"): one instance's workflows as a file kept in git. Every change is audited as actor
// "cli"; a running server picks it up within revocation_poll. Throws std::runtime_error with
// a one-line reason; an import that fails writes nothing.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "app/admin.hpp"
#include "core/config.hpp"

namespace popflow::app {

struct WorkflowScope {
  std::string customer;
  std::string crm_id;  // --instance
};

// To `path`, or stdout for "-". Warnings (a published version unlike its draft) go to `err`.
void workflow_export(DataDir& dir, const WorkflowScope& scope, const std::string& path,
                     std::ostream& out, std::ostream& err);
// Prints one line per change, "nothing changed", and with `dry_run` writes nothing.
void workflow_import(DataDir& dir, const WorkflowScope& scope, const std::string& path,
                     bool dry_run, const Config& config, std::ostream& out);

struct PublishRequest {
  std::string name;
  std::optional<int> version;         // default: the draft, frozen when needed
  std::vector<std::string> profiles;  // "all" or profile names; empty: all profiles
  bool unpublish = false;
};
void workflow_publish(DataDir& dir, const WorkflowScope& scope, const PublishRequest& request,
                      std::ostream& out);

}  // namespace popflow::app
