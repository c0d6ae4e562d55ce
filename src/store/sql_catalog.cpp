#include "store/sql_catalog.hpp"

#include <algorithm>
#include <limits>

namespace popflow::store {
namespace {

using workflows::AgentEntry;
using workflows::Event;
using workflows::Instance;
using workflows::Profile;

constexpr const char* kInstanceColumns =
    "customer_id, crm_id, name, crm_type, url_record, url_new_record, url_search, created_at, "
    "revision, supersede_by";
constexpr const char* kEventColumns =
    "customer_id, crm_id, name, description, built_in, stale_after";

Instance read_instance(const Statement& s) {
  Instance i;
  i.customer_id = s.text(0);
  i.crm_id = s.text(1);
  i.name = s.text(2);
  const auto type = workflows::crm_type_from(s.text(3));
  // Only this binary's names are written; another one means a newer binary wrote it.
  if (!type)
    throw StoreError("instance " + i.crm_id + " has an unknown CRM type '" + s.text(3) + "'");
  i.crm_type = *type;
  i.urls = {s.text(4), s.text(5), s.text(6)};
  i.created_at = s.integer(7);
  i.revision = s.integer(8);
  i.supersede_by = s.text(9);
  return i;
}

AgentEntry read_agent(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3)};
}

Event read_event(const Statement& s) {
  std::optional<int> stale_after;
  if (auto seconds = s.optional_integer(5)) stale_after = static_cast<int>(*seconds);
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, stale_after};
}

std::optional<std::int64_t> seconds_of(const std::optional<int>& stale_after) {
  if (!stale_after) return std::nullopt;
  return *stale_after;
}

}  // namespace

std::vector<Instance> SqlCatalog::instances(const std::string& customer) {
  auto stmt = db_.prepare(std::string("SELECT ") + kInstanceColumns +
                          " FROM instances WHERE customer_id = ?1 ORDER BY crm_id");
  stmt.bind(1, customer);
  std::vector<Instance> out;
  while (stmt.step()) out.push_back(read_instance(stmt));
  return out;
}

std::optional<Instance> SqlCatalog::instance(const std::string& customer,
                                             const std::string& crm_id) {
  auto stmt = db_.prepare(std::string("SELECT ") + kInstanceColumns +
                          " FROM instances WHERE customer_id = ?1 AND crm_id = ?2");
  stmt.bind(1, customer).bind(2, crm_id);
  if (!stmt.step()) return std::nullopt;
  return read_instance(stmt);
}

void SqlCatalog::insert_instance(const Instance& i) {
  db_.prepare(std::string("INSERT INTO instances (") + kInstanceColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, i.customer_id)
      .bind(2, i.crm_id)
      .bind(3, i.name)
      .bind(4, workflows::to_string(i.crm_type))
      .bind(5, i.urls.record)
      .bind(6, i.urls.new_record)
      .bind(7, i.urls.search)
      .bind(8, i.created_at)
      .bind(9, i.revision)
      .bind(10, i.supersede_by)
      .run();
}

void SqlCatalog::update_instance(const Instance& i) {
  db_.prepare(
         "UPDATE instances SET name = ?3, crm_type = ?4, url_record = ?5, url_new_record = ?6, "
         "url_search = ?7, created_at = ?8, revision = ?9, supersede_by = ?10 "
         "WHERE customer_id = ?1 AND crm_id = ?2")
      .bind(1, i.customer_id)
      .bind(2, i.crm_id)
      .bind(3, i.name)
      .bind(4, workflows::to_string(i.crm_type))
      .bind(5, i.urls.record)
      .bind(6, i.urls.new_record)
      .bind(7, i.urls.search)
      .bind(8, i.created_at)
      .bind(9, i.revision)
      .bind(10, i.supersede_by)
      .run();
  if (db_.changes() == 0)
    throw StoreError("no instance " + i.crm_id + " of customer " + i.customer_id);
}

bool SqlCatalog::remove_instance(const std::string& customer, const std::string& crm_id) {
  // Profiles, agents, events, workflows (and so their versions) and publications follow
  // through ON DELETE CASCADE (migration step 4).
  db_.prepare("DELETE FROM instances WHERE customer_id = ?1 AND crm_id = ?2")
      .bind(1, customer)
      .bind(2, crm_id)
      .run();
  return db_.changes() > 0;
}

std::vector<Profile> SqlCatalog::profiles(const std::string& customer, const std::string& crm_id) {
  auto stmt = db_.prepare(
      "SELECT customer_id, crm_id, name FROM profiles WHERE customer_id = ?1 AND crm_id = ?2 "
      "ORDER BY name");
  stmt.bind(1, customer).bind(2, crm_id);
  std::vector<Profile> out;
  while (stmt.step()) out.push_back({stmt.text(0), stmt.text(1), stmt.text(2)});
  return out;
}

void SqlCatalog::insert_profile(const Profile& p) {
  db_.prepare("INSERT INTO profiles (customer_id, crm_id, name) VALUES (?1, ?2, ?3)")
      .bind(1, p.customer_id)
      .bind(2, p.crm_id)
      .bind(3, p.name)
      .run();
}

bool SqlCatalog::remove_profile(const std::string& customer, const std::string& crm_id,
                                const std::string& name) {
  db_.prepare("DELETE FROM profiles WHERE customer_id = ?1 AND crm_id = ?2 AND name = ?3")
      .bind(1, customer)
      .bind(2, crm_id)
      .bind(3, name)
      .run();
  return db_.changes() > 0;
}

std::vector<AgentEntry> SqlCatalog::agents(const std::string& customer, const std::string& crm_id,
                                           const std::optional<std::string>& after,
                                           std::size_t limit) {
  // ?3 NULL reads the first page; the primary key serves both the filter and the order.
  auto stmt = db_.prepare(
      "SELECT customer_id, crm_id, agent_id, profile FROM agents "
      "WHERE customer_id = ?1 AND crm_id = ?2 AND (?3 IS NULL OR agent_id > ?3) "
      "ORDER BY agent_id LIMIT ?4");
  stmt.bind(1, customer)
      .bind(2, crm_id)
      .bind(3, after)
      .bind(4, static_cast<std::int64_t>(
                   std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<AgentEntry> out;
  while (stmt.step()) out.push_back(read_agent(stmt));
  return out;
}

void SqlCatalog::put_agent(const AgentEntry& a) {
  db_.prepare(
         "INSERT INTO agents (customer_id, crm_id, agent_id, profile) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT (customer_id, crm_id, agent_id) DO UPDATE SET profile = excluded.profile")
      .bind(1, a.customer_id)
      .bind(2, a.crm_id)
      .bind(3, a.agent_id)
      .bind(4, a.profile)
      .run();
}

bool SqlCatalog::remove_agent(const std::string& customer, const std::string& crm_id,
                              const std::string& agent_id) {
  db_.prepare("DELETE FROM agents WHERE customer_id = ?1 AND crm_id = ?2 AND agent_id = ?3")
      .bind(1, customer)
      .bind(2, crm_id)
      .bind(3, agent_id)
      .run();
  return db_.changes() > 0;
}

std::vector<Event> SqlCatalog::events(const std::string& customer, const std::string& crm_id) {
  auto stmt = db_.prepare(std::string("SELECT ") + kEventColumns +
                          " FROM events WHERE customer_id = ?1 AND crm_id = ?2 ORDER BY name");
  stmt.bind(1, customer).bind(2, crm_id);
  std::vector<Event> out;
  while (stmt.step()) out.push_back(read_event(stmt));
  return out;
}

void SqlCatalog::insert_event(const Event& e) {
  db_.prepare(std::string("INSERT INTO events (") + kEventColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, e.customer_id)
      .bind(2, e.crm_id)
      .bind(3, e.name)
      .bind(4, e.description)
      .bind(5, std::int64_t{e.built_in ? 1 : 0})
      .bind(6, seconds_of(e.stale_after))
      .run();
}

void SqlCatalog::update_event(const Event& e) {
  db_.prepare(
         "UPDATE events SET description = ?4, stale_after = ?5 "
         "WHERE customer_id = ?1 AND crm_id = ?2 AND name = ?3")
      .bind(1, e.customer_id)
      .bind(2, e.crm_id)
      .bind(3, e.name)
      .bind(4, e.description)
      .bind(5, seconds_of(e.stale_after))
      .run();
  if (db_.changes() == 0) throw StoreError("no event '" + e.name + "' in instance " + e.crm_id);
}

bool SqlCatalog::remove_event(const std::string& customer, const std::string& crm_id,
                              const std::string& name) {
  db_.prepare("DELETE FROM events WHERE customer_id = ?1 AND crm_id = ?2 AND name = ?3")
      .bind(1, customer)
      .bind(2, crm_id)
      .bind(3, name)
      .run();
  return db_.changes() > 0;
}

std::vector<Instance> SqlCatalog::all_instances() {
  auto stmt = db_.prepare(std::string("SELECT ") + kInstanceColumns +
                          " FROM instances ORDER BY customer_id, crm_id");
  std::vector<Instance> out;
  while (stmt.step()) out.push_back(read_instance(stmt));
  return out;
}

std::vector<AgentEntry> SqlCatalog::all_agents() {
  auto stmt = db_.prepare(
      "SELECT customer_id, crm_id, agent_id, profile FROM agents "
      "ORDER BY customer_id, crm_id, agent_id");
  std::vector<AgentEntry> out;
  while (stmt.step()) out.push_back(read_agent(stmt));
  return out;
}

std::vector<Event> SqlCatalog::all_events() {
  auto stmt = db_.prepare(std::string("SELECT ") + kEventColumns +
                          " FROM events ORDER BY customer_id, crm_id, name");
  std::vector<Event> out;
  while (stmt.step()) out.push_back(read_event(stmt));
  return out;
}

}  // namespace popflow::store
