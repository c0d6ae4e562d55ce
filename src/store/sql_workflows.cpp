#include "store/sql_workflows.hpp"

namespace popflow::store {
namespace {

using workflows::Publication;
using workflows::Workflow;
using workflows::WorkflowVersion;

constexpr const char* kWorkflowColumns =
    "id, customer_id, crm_id, name, event, description, draft, created_at, updated_at, revision";
constexpr const char* kPublicationColumns =
    "p.customer_id, p.crm_id, p.event, p.profile, p.workflow_id, p.version, p.published_at, "
    "p.published_by";

Workflow read_workflow(const Statement& s) {
  Workflow w;
  w.id = s.text(0);
  w.customer_id = s.text(1);
  w.crm_id = s.text(2);
  w.name = s.text(3);
  w.event = s.text(4);
  w.description = s.text(5);
  w.draft = s.text(6);
  w.created_at = s.integer(7);
  w.updated_at = s.integer(8);
  w.revision = s.integer(9);
  return w;
}

WorkflowVersion read_version(const Statement& s) {
  return {s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.integer(3), s.text(4)};
}

Publication read_publication(const Statement& s) {
  Publication p;
  p.customer_id = s.text(0);
  p.crm_id = s.text(1);
  p.event = s.text(2);
  if (auto profile = s.text(3); !profile.empty()) p.profile = std::move(profile);
  p.workflow_id = s.text(4);
  p.version = static_cast<int>(s.integer(5));
  p.published_at = s.integer(6);
  p.published_by = s.text(7);
  return p;
}

}  // namespace

std::vector<Workflow> SqlWorkflows::workflows(const std::string& customer,
                                              const std::string& crm_id) {
  auto stmt = db_.prepare(std::string("SELECT ") + kWorkflowColumns +
                          " FROM workflows WHERE customer_id = ?1 AND crm_id = ?2 "
                          "ORDER BY name, id");
  stmt.bind(1, customer).bind(2, crm_id);
  std::vector<Workflow> out;
  while (stmt.step()) out.push_back(read_workflow(stmt));
  return out;
}

std::optional<Workflow> SqlWorkflows::workflow(const std::string& customer, const std::string& id) {
  auto stmt = db_.prepare(std::string("SELECT ") + kWorkflowColumns +
                          " FROM workflows WHERE customer_id = ?1 AND id = ?2");
  stmt.bind(1, customer).bind(2, id);
  if (!stmt.step()) return std::nullopt;
  return read_workflow(stmt);
}

void SqlWorkflows::insert_workflow(const Workflow& w) {
  db_.prepare(std::string("INSERT INTO workflows (") + kWorkflowColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, w.id)
      .bind(2, w.customer_id)
      .bind(3, w.crm_id)
      .bind(4, w.name)
      .bind(5, w.event)
      .bind(6, w.description)
      .bind(7, w.draft)
      .bind(8, w.created_at)
      .bind(9, w.updated_at)
      .bind(10, w.revision)
      .run();
}

void SqlWorkflows::update_workflow(const Workflow& w) {
  // crm_id is not updated: a workflow stays in the instance it was made in.
  db_.prepare(
         "UPDATE workflows SET name = ?3, event = ?4, description = ?5, draft = ?6, "
         "created_at = ?7, updated_at = ?8, revision = ?9 WHERE customer_id = ?1 AND id = ?2")
      .bind(1, w.customer_id)
      .bind(2, w.id)
      .bind(3, w.name)
      .bind(4, w.event)
      .bind(5, w.description)
      .bind(6, w.draft)
      .bind(7, w.created_at)
      .bind(8, w.updated_at)
      .bind(9, w.revision)
      .run();
  if (db_.changes() == 0) throw StoreError("no workflow " + w.id + " of customer " + w.customer_id);
}

bool SqlWorkflows::remove_workflow(const std::string& customer, const std::string& id) {
  // Versions, and the publications of them, follow through ON DELETE CASCADE.
  db_.prepare("DELETE FROM workflows WHERE customer_id = ?1 AND id = ?2")
      .bind(1, customer)
      .bind(2, id)
      .run();
  return db_.changes() > 0;
}

std::vector<WorkflowVersion> SqlWorkflows::versions(const std::string& workflow_id) {
  auto stmt = db_.prepare(
      "SELECT workflow_id, number, definition, created_at, created_by FROM workflow_versions "
      "WHERE workflow_id = ?1 ORDER BY number");
  stmt.bind(1, workflow_id);
  std::vector<WorkflowVersion> out;
  while (stmt.step()) out.push_back(read_version(stmt));
  return out;
}

std::optional<WorkflowVersion> SqlWorkflows::version(const std::string& workflow_id, int number) {
  auto stmt = db_.prepare(
      "SELECT workflow_id, number, definition, created_at, created_by FROM workflow_versions "
      "WHERE workflow_id = ?1 AND number = ?2");
  stmt.bind(1, workflow_id).bind(2, std::int64_t{number});
  if (!stmt.step()) return std::nullopt;
  return read_version(stmt);
}

void SqlWorkflows::insert_version(const WorkflowVersion& v) {
  db_.prepare(
         "INSERT INTO workflow_versions (workflow_id, number, definition, created_at, "
         "created_by) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, v.workflow_id)
      .bind(2, std::int64_t{v.number})
      .bind(3, v.definition)
      .bind(4, v.created_at)
      .bind(5, v.created_by)
      .run();
}

std::vector<Publication> SqlWorkflows::publications(const std::string& customer,
                                                    const std::optional<std::string>& crm_id) {
  auto stmt = db_.prepare(std::string("SELECT ") + kPublicationColumns +
                          " FROM publications p WHERE p.customer_id = ?1 "
                          "AND (?2 IS NULL OR p.crm_id = ?2) "
                          "ORDER BY p.crm_id, p.event, p.profile");
  stmt.bind(1, customer).bind(2, crm_id);
  std::vector<Publication> out;
  while (stmt.step()) out.push_back(read_publication(stmt));
  return out;
}

void SqlWorkflows::put_publication(const Publication& p) {
  db_.prepare(
         "INSERT INTO publications (customer_id, crm_id, event, profile, workflow_id, version, "
         "published_at, published_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
         "ON CONFLICT (customer_id, crm_id, event, profile) DO UPDATE SET "
         "workflow_id = excluded.workflow_id, version = excluded.version, "
         "published_at = excluded.published_at, published_by = excluded.published_by")
      .bind(1, p.customer_id)
      .bind(2, p.crm_id)
      .bind(3, p.event)
      .bind(4, p.profile.value_or(""))
      .bind(5, p.workflow_id)
      .bind(6, std::int64_t{p.version})
      .bind(7, p.published_at)
      .bind(8, p.published_by)
      .run();
}

bool SqlWorkflows::remove_publication(const std::string& customer, const std::string& crm_id,
                                      const std::string& event,
                                      const std::optional<std::string>& profile) {
  db_.prepare(
         "DELETE FROM publications WHERE customer_id = ?1 AND crm_id = ?2 AND event = ?3 "
         "AND profile = ?4")
      .bind(1, customer)
      .bind(2, crm_id)
      .bind(3, event)
      .bind(4, profile.value_or(""))
      .run();
  return db_.changes() > 0;
}

std::vector<PublishedWorkflow> SqlWorkflows::all_published() {
  auto stmt = db_.prepare(std::string("SELECT ") + kPublicationColumns +
                          ", w.name, v.definition FROM publications p "
                          "JOIN workflows w ON w.id = p.workflow_id "
                          "JOIN workflow_versions v ON v.workflow_id = p.workflow_id "
                          "AND v.number = p.version "
                          "ORDER BY p.customer_id, p.crm_id, p.event, p.profile");
  std::vector<PublishedWorkflow> out;
  while (stmt.step()) out.push_back({read_publication(stmt), stmt.text(8), stmt.text(9)});
  return out;
}

}  // namespace popflow::store
