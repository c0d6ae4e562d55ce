#include "store/sql_users.hpp"

#include <algorithm>
#include <limits>

namespace popflow::store {
namespace {

constexpr const char* kUserColumns =
    "name, customer_id, role, password_hash, created_at, last_login_at";

User read_user(const Statement& s) {
  User u;
  u.name = s.text(0);
  u.customer_id = s.optional_text(1);
  const auto role = role_from(s.text(2));
  // Only this binary's names are written; another one means a newer binary wrote it.
  if (!role) throw StoreError("user " + u.name + " has an unknown role '" + s.text(2) + "'");
  u.role = *role;
  u.password_hash = s.text(3);
  u.created_at = s.integer(4);
  u.last_login_at = s.optional_integer(5);
  return u;
}

}  // namespace

std::optional<User> SqlUsers::user(const std::string& name) {
  auto stmt = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?1");
  stmt.bind(1, name);
  if (!stmt.step()) return std::nullopt;
  return read_user(stmt);
}

std::vector<User> SqlUsers::users(const std::optional<std::string>& customer) {
  auto stmt = db_.prepare(std::string("SELECT ") + kUserColumns +
                          " FROM users WHERE ?1 IS NULL OR customer_id = ?1 ORDER BY name");
  stmt.bind(1, customer);
  std::vector<User> out;
  while (stmt.step()) out.push_back(read_user(stmt));
  return out;
}

void SqlUsers::insert_user(const User& u) {
  db_.prepare(std::string("INSERT INTO users (") + kUserColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, u.name)
      .bind(2, u.customer_id)
      .bind(3, to_string(u.role))
      .bind(4, u.password_hash)
      .bind(5, u.created_at)
      .bind(6, u.last_login_at)
      .run();
}

void SqlUsers::update_user(const User& u) {
  db_.prepare(
         "UPDATE users SET customer_id = ?2, role = ?3, password_hash = ?4, created_at = ?5, "
         "last_login_at = ?6 WHERE name = ?1")
      .bind(1, u.name)
      .bind(2, u.customer_id)
      .bind(3, to_string(u.role))
      .bind(4, u.password_hash)
      .bind(5, u.created_at)
      .bind(6, u.last_login_at)
      .run();
  if (db_.changes() == 0) throw StoreError("no user " + u.name);
}

bool SqlUsers::remove_user(const std::string& name) {
  db_.prepare("DELETE FROM users WHERE name = ?1").bind(1, name).run();
  return db_.changes() > 0;
}

std::int64_t SqlAudit::append(const AuditEntry& e) {
  // AUTOINCREMENT: ids only grow, even if the newest entries were ever pruned, so a
  // reader's before_id cursor stays meaningful.
  auto stmt = db_.prepare(
      "INSERT INTO audit_log (customer_id, at, actor, action, target, before, after) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
  stmt.bind(1, e.customer_id)
      .bind(2, e.at)
      .bind(3, e.actor)
      .bind(4, e.action)
      .bind(5, e.target)
      .bind(6, e.before)
      .bind(7, e.after);
  if (!stmt.step()) throw StoreError("audit append returned no id");
  const auto id = stmt.integer(0);
  stmt.run();  // finishes the INSERT
  return id;
}

std::vector<AuditEntry> SqlAudit::entries(const AuditQuery& q) {
  // NULL parameters switch their filter off; audit_by_customer and audit_by_target serve
  // the common ones, newest first by walking the id backwards.
  auto stmt = db_.prepare(
      "SELECT id, customer_id, at, actor, action, target, before, after FROM audit_log "
      "WHERE (?1 IS NULL OR customer_id = ?1) AND (?2 IS NULL OR target = ?2) "
      "AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4");
  stmt.bind(1, q.customer_id)
      .bind(2, q.target)
      .bind(3, q.before_id)
      .bind(4, static_cast<std::int64_t>(
                   std::min<std::size_t>(q.limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<AuditEntry> out;
  while (stmt.step())
    out.push_back({stmt.integer(0), stmt.text(1), stmt.integer(2), stmt.text(3), stmt.text(4),
                   stmt.text(5), stmt.text(6), stmt.text(7)});
  return out;
}

}  // namespace popflow::store
