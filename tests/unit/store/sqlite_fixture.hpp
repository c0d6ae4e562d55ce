#pragma once
// A fresh store with two customers (acme, zeta) and record makers, for the SqliteStore tests.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "store/customer_store.hpp"
#include "store/database.hpp"
#include "store/sqlite_store.hpp"
#include "temp_dir.hpp"

namespace popflow::store::sqlite_testing {

using popflow::testing_support::TempDir;

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

// SQLite reports constraint failures as SQLITE_CONSTRAINT, extended or not.
inline bool is_constraint(const StoreError& e) {
  return (e.sqlite_code & 0xff) == SQLITE_CONSTRAINT;
}

class SqliteStoreTest : public testing::Test {
 protected:
  SqliteStoreTest() {
    CustomerStore customers(db_);
    customers.add({"acme", "Acme", 1});
    customers.add({"zeta", "Zeta", 1});
  }

  TempDir dir_;
  Database db_{dir_.file("store.db")};
  SqliteStore store_{db_};
  SqliteCatalog catalog_{db_};
  SqliteWorkflows workflows_{db_};
  SqliteUsers users_{db_};
  SqliteAudit audit_{db_};
};

}  // namespace popflow::store::sqlite_testing
