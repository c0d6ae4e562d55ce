#pragma once
// WorkflowRepository in SQL (SQLite or PostgreSQL): workflows, their versions and
// publications (migration step 4). A publication to all profiles is kept with profile '':
// a Publication whose profile is "" reads back as nullopt.
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace popflow::store {

class SqlWorkflows final : public WorkflowRepository {
 public:
  explicit SqlWorkflows(Database& db) : db_(db) {}

  // Ordered by name, then id.
  std::vector<workflows::Workflow> workflows(const std::string& customer,
                                             const std::string& crm_id) override;
  std::optional<workflows::Workflow> workflow(const std::string& customer,
                                              const std::string& id) override;
  // Throws StoreError with SQLITE_CONSTRAINT when the id is taken or the instance missing.
  void insert_workflow(const workflows::Workflow& workflow) override;
  // Throws StoreError when there is no such workflow.
  void update_workflow(const workflows::Workflow& workflow) override;
  bool remove_workflow(const std::string& customer, const std::string& id) override;

  // Ordered by number.
  std::vector<workflows::WorkflowVersion> versions(const std::string& workflow_id) override;
  std::optional<workflows::WorkflowVersion> version(const std::string& workflow_id,
                                                    int number) override;
  void insert_version(const workflows::WorkflowVersion& version) override;

  // Ordered by crm_id, event, then profile (all profiles first).
  std::vector<workflows::Publication> publications(
      const std::string& customer, const std::optional<std::string>& crm_id) override;
  // The version must exist (SQLITE_CONSTRAINT otherwise).
  void put_publication(const workflows::Publication& publication) override;
  bool remove_publication(const std::string& customer, const std::string& crm_id,
                          const std::string& event,
                          const std::optional<std::string>& profile) override;

  // Every customer's, joined with the workflow's name and the version's definition.
  std::vector<PublishedWorkflow> all_published();

 private:
  Database& db_;
};

}  // namespace popflow::store
