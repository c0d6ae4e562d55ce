#pragma once
// The repositories of the workflow model, console users and the audit log: the seam between
// the callers (admin service, CLI, the resolution snapshot's loader) and a storage engine.
// sql_store.hpp implements them once, in SQL that SQLite (one node) and PostgreSQL (several)
// both run, so no caller sees SQL or knows the engine.
//
// Repositories are dumb on purpose: they read and write records and report "no such row"
// as nullopt/false. Rules (names, revisions for 409s, who may do what) live in the callers,
// which check and write inside one Store::write() transaction, so a check and the write it
// guards are atomic. Engine failures throw StoreError (database.hpp).
//
// Threads: a Store and its repositories are used by one thread at a time (the admin
// service's store thread, or a CLI command).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "history/trigger_history.hpp"
#include "workflows/catalog.hpp"

namespace popflow::store {

// Console users. Roles in order of power; operators (no customer) manage every customer.
enum class Role { viewer, designer, admin, owner };

std::string_view to_string(Role role);  // "viewer", …
std::optional<Role> role_from(std::string_view text);

struct User {
  std::string name;  // unique across the installation: what people sign in with
  std::optional<std::string> customer_id;  // nullopt: an operator
  Role role = Role::viewer;                // operators: owner of every customer
  std::string password_hash;               // libsodium's crypto_pwhash_str (Argon2id)
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_login_at;
};

// One change, as the audit log keeps it. `before`/`after` are JSON text (empty when there
// is nothing to show: a creation has no before, a removal no after).
struct AuditEntry {
  std::int64_t id = 0;      // assigned by append(), increasing
  std::string customer_id;  // empty for installation-wide changes (operators' user admin)
  std::int64_t at = 0;      // Unix milliseconds
  std::string actor;        // "user:alice", "token:k_…", "cli"
  std::string action;       // "workflow.publish", "key.revoke", …
  std::string target;       // "workflow:wf_…", "instance:acme.crm.example.com", …
  std::string before;
  std::string after;
};

// Newest first, `limit` at most, strictly older than `before_id` when given.
struct AuditQuery {
  std::optional<std::string> customer_id;  // nullopt: every customer (operators)
  std::optional<std::string> target;       // exact target
  std::optional<std::int64_t> before_id;
  std::size_t limit = 50;
};

class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;
  virtual std::vector<workflows::Instance> instances(const std::string& customer) = 0;
  virtual std::optional<workflows::Instance> instance(const std::string& customer,
                                                      const std::string& crm_id) = 0;
  virtual void insert_instance(const workflows::Instance& instance) = 0;
  virtual void update_instance(const workflows::Instance& instance) = 0;  // by (customer, crm_id)
  // With its profiles, agents, events, workflows, versions and publications.
  virtual bool remove_instance(const std::string& customer, const std::string& crm_id) = 0;

  virtual std::vector<workflows::Profile> profiles(const std::string& customer,
                                                   const std::string& crm_id) = 0;
  virtual void insert_profile(const workflows::Profile& profile) = 0;
  virtual bool remove_profile(const std::string& customer, const std::string& crm_id,
                              const std::string& name) = 0;

  // Ordered by agent id; `after` is the last agent id of the previous page.
  virtual std::vector<workflows::AgentEntry> agents(const std::string& customer,
                                                    const std::string& crm_id,
                                                    const std::optional<std::string>& after,
                                                    std::size_t limit) = 0;
  virtual void put_agent(const workflows::AgentEntry& agent) = 0;  // insert or replace
  virtual bool remove_agent(const std::string& customer, const std::string& crm_id,
                            const std::string& agent_id) = 0;

  virtual std::vector<workflows::Event> events(const std::string& customer,
                                               const std::string& crm_id) = 0;
  virtual void insert_event(const workflows::Event& event) = 0;
  virtual void update_event(const workflows::Event& event) = 0;  // by (customer, crm_id, name)
  virtual bool remove_event(const std::string& customer, const std::string& crm_id,
                            const std::string& name) = 0;
};

class WorkflowRepository {
 public:
  virtual ~WorkflowRepository() = default;
  virtual std::vector<workflows::Workflow> workflows(const std::string& customer,
                                                     const std::string& crm_id) = 0;
  virtual std::optional<workflows::Workflow> workflow(const std::string& customer,
                                                      const std::string& id) = 0;
  virtual void insert_workflow(const workflows::Workflow& workflow) = 0;
  virtual void update_workflow(const workflows::Workflow& workflow) = 0;  // by (customer, id)
  // With its versions and publications.
  virtual bool remove_workflow(const std::string& customer, const std::string& id) = 0;

  virtual std::vector<workflows::WorkflowVersion> versions(const std::string& workflow_id) = 0;
  virtual std::optional<workflows::WorkflowVersion> version(const std::string& workflow_id,
                                                            int number) = 0;
  virtual void insert_version(const workflows::WorkflowVersion& version) = 0;

  // A customer's publications; of one instance when crm_id is given.
  virtual std::vector<workflows::Publication> publications(
      const std::string& customer, const std::optional<std::string>& crm_id) = 0;
  // Replaces whatever was published to the same (customer, crm_id, event, profile).
  virtual void put_publication(const workflows::Publication& publication) = 0;
  virtual bool remove_publication(const std::string& customer, const std::string& crm_id,
                                  const std::string& event,
                                  const std::optional<std::string>& profile) = 0;
};

// Every publication of every customer with what the resolution snapshot needs of it: the
// workflow's name and the published version's definition.
struct PublishedWorkflow {
  workflows::Publication publication;
  std::string workflow_name;
  std::string definition;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<User> user(const std::string& name) = 0;
  // A customer's users, or every user when customer is nullopt; ordered by name.
  virtual std::vector<User> users(const std::optional<std::string>& customer) = 0;
  virtual void insert_user(const User& user) = 0;
  virtual void update_user(const User& user) = 0;  // by name
  virtual bool remove_user(const std::string& name) = 0;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual std::int64_t append(const AuditEntry& entry) = 0;  // returns its id
  virtual std::vector<AuditEntry> entries(const AuditQuery& query) = 0;
};

// The trigger history (history/trigger_history.hpp) kept across a restart: the server saves
// what it holds on shutdown and restores it at start, so the store holds at most what the
// history's bounds (count, age, bytes) let it hold in memory.
class TimelineRepository {
 public:
  virtual ~TimelineRepository() = default;
  virtual void replace_all(const std::vector<history::TriggerRecord>& records) = 0;
  virtual std::vector<history::TriggerRecord> all() = 0;  // oldest first; unreadable ones skipped
};

struct Repositories {
  CatalogRepository& catalog;
  WorkflowRepository& workflows;
  UserRepository& users;
  AuditRepository& audit;
  TimelineRepository& timelines;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one write transaction: all of its writes or none (an exception rolls
  // back and propagates). Checks made inside see no concurrent writer.
  virtual void write(const std::function<void(Repositories&)>& work) = 0;
  // Runs `work` on one consistent read snapshot.
  virtual void read(const std::function<void(Repositories&)>& work) = 0;
  // For the resolution snapshot (workflows/resolver.hpp), across customers.
  virtual std::vector<workflows::Instance> all_instances() = 0;
  virtual std::vector<workflows::AgentEntry> all_agents() = 0;
  virtual std::vector<workflows::Event> all_events() = 0;
  virtual std::vector<PublishedWorkflow> all_published() = 0;
  // Changes whenever anyone, another process included, commits: the cue to reload snapshots.
  virtual std::int64_t data_version() = 0;
};

}  // namespace popflow::store
