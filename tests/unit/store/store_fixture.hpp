#pragma once
// A fresh store with two customers (acme, zeta) and record makers, for the SqlStore tests
// (on SQLite, or PostgreSQL in store_pg_tests: test_store.hpp).
#include <gtest/gtest.h>

#include <string>

#include "store/customer_store.hpp"
#include "store/database.hpp"
#include "store/sql_store.hpp"
#include "test_store.hpp"

namespace popflow::store::store_testing {

using popflow::testing_support::TestStore;

inline workflows::Instance make_instance(const std::string& customer, const std::string& crm_id) {
  workflows::Instance i;
  i.customer_id = customer;
  i.crm_id = crm_id;
  i.name = crm_id + " CRM";
  i.crm_type = workflows::CrmType::salesforce;
  i.urls = workflows::url_presets(i.crm_type);
  i.created_at = 1700000000;
  return i;
}

inline workflows::Workflow make_workflow(const std::string& id, const std::string& customer,
                                         const std::string& crm_id, const std::string& event) {
  workflows::Workflow w;
  w.id = id;
  w.customer_id = customer;
  w.crm_id = crm_id;
  w.name = "Flow " + id;
  w.event = event;
  w.description = "pops the caller";
  w.draft = R"({"steps":[]})";
  w.created_at = 10;
  w.updated_at = 20;
  return w;
}

inline workflows::WorkflowVersion make_version(const std::string& workflow_id, int number) {
  return {workflow_id, number, R"({"v":)" + std::to_string(number) + "}", 30 + number,
          "user:alice"};
}

inline workflows::Publication make_publication(const std::string& customer,
                                               const std::string& crm_id, const std::string& event,
                                               std::optional<std::string> profile,
                                               const std::string& workflow_id, int version) {
  return {customer, crm_id, event, std::move(profile), workflow_id, version, 40, "user:alice"};
}

using testing_support::is_constraint;

class StoreTest : public testing::Test {
 protected:
  StoreTest() {
    CustomerStore customers(db_);
    customers.add({"acme", "Acme", 1});
    customers.add({"zeta", "Zeta", 1});
  }

  TestStore place_;
  Database db_ = place_.open();
  SqlStore store_{db_, "node-a"};
  SqlCatalog catalog_{db_};
  SqlWorkflows workflows_{db_};
  SqlUsers users_{db_};
  SqlAudit audit_{db_};
};

}  // namespace popflow::store::store_testing
