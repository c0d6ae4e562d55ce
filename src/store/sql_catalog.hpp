#pragma once
// CatalogRepository in SQL (SQLite or PostgreSQL): instances and what hangs off them
// (migration step 4). Lists are ordered by their key (crm_id, name, agent_id).
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace popflow::store {

class SqlCatalog final : public CatalogRepository {
 public:
  explicit SqlCatalog(Database& db) : db_(db) {}

  std::vector<workflows::Instance> instances(const std::string& customer) override;
  std::optional<workflows::Instance> instance(const std::string& customer,
                                              const std::string& crm_id) override;
  // Throws StoreError with SQLITE_CONSTRAINT when it exists or its customer does not.
  void insert_instance(const workflows::Instance& instance) override;
  // Throws StoreError when there is no such instance.
  void update_instance(const workflows::Instance& instance) override;
  bool remove_instance(const std::string& customer, const std::string& crm_id) override;

  std::vector<workflows::Profile> profiles(const std::string& customer,
                                           const std::string& crm_id) override;
  void insert_profile(const workflows::Profile& profile) override;
  bool remove_profile(const std::string& customer, const std::string& crm_id,
                      const std::string& name) override;

  std::vector<workflows::AgentEntry> agents(const std::string& customer, const std::string& crm_id,
                                            const std::optional<std::string>& after,
                                            std::size_t limit) override;
  void put_agent(const workflows::AgentEntry& agent) override;
  bool remove_agent(const std::string& customer, const std::string& crm_id,
                    const std::string& agent_id) override;

  std::vector<workflows::Event> events(const std::string& customer,
                                       const std::string& crm_id) override;
  void insert_event(const workflows::Event& event) override;
  void update_event(const workflows::Event& event) override;
  bool remove_event(const std::string& customer, const std::string& crm_id,
                    const std::string& name) override;

  // Across customers, for the resolution snapshot (SqlStore::all_*).
  std::vector<workflows::Instance> all_instances();
  std::vector<workflows::AgentEntry> all_agents();
  std::vector<workflows::Event> all_events();

 private:
  Database& db_;
};

}  // namespace popflow::store
