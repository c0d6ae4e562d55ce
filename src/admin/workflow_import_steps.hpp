#pragma once
// Internal to import_workflows() (workflow_import*.cpp): the state one import carries.
#include <cstdint>
#include <string>

#include "admin/workflow_files.hpp"

namespace popflow::admin {

struct ImportRun {
  store::Repositories& repos;
  const std::string& customer;
  const Config& config;
  const std::string& actor;
  std::int64_t now_ms;
  ImportReport report;

  void audit(std::string action, std::string target, std::string before, std::string after);
  void change(std::string line);
};

// Publishes `version` to `targets`, all of one kind: [all] or profile names. Audited and
// reported, with the publications it replaced.
Checked<void> publish_to(ImportRun& run, const workflows::Workflow& workflow, int version,
                         const std::vector<PublishTarget>& targets);

Problem about_workflow(const std::string& name, Problem problem);  // "workflow 'N': …"

// The file's workflows, after the instance and its catalog are in place.
Checked<void> import_file_workflows(ImportRun& run, const WorkflowFile& file);

}  // namespace popflow::admin
