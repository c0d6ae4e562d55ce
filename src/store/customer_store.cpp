#include "store/customer_store.hpp"

namespace popflow::store {

bool CustomerStore::is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void CustomerStore::add(const Customer& customer) {
  if (!is_valid_id(customer.id))
    throw StoreError("customer id '" + customer.id + "' must match [A-Za-z0-9._-]{1,64}");
  if (exists(customer.id)) throw StoreError("customer '" + customer.id + "' already exists");
  db_.prepare("INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3)")
      .bind(1, customer.id)
      .bind(2, customer.name)
      .bind(3, customer.created_at)
      .run();
}

bool CustomerStore::exists(std::string_view id) {
  auto stmt = db_.prepare("SELECT 1 FROM customers WHERE id = ?1");
  stmt.bind(1, id);
  return stmt.step();
}

namespace {

constexpr const char* kSelect = "SELECT id, name, created_at, disabled_at FROM customers";

Customer read_row(const Statement& s) {
  return {s.text(0), s.text(1), s.integer(2), s.optional_integer(3)};
}

}  // namespace

std::optional<Customer> CustomerStore::find(std::string_view id) {
  auto stmt = db_.prepare(std::string(kSelect) + " WHERE id = ?1");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_row(stmt);
}

std::vector<Customer> CustomerStore::list() {
  std::vector<Customer> out;
  auto stmt = db_.prepare(std::string(kSelect) + " ORDER BY id");
  while (stmt.step()) out.push_back(read_row(stmt));
  return out;
}

bool CustomerStore::rename(std::string_view id, std::string_view name) {
  if (!exists(id)) return false;
  db_.prepare("UPDATE customers SET name = ?2 WHERE id = ?1").bind(1, id).bind(2, name).run();
  return true;
}

bool CustomerStore::set_disabled(std::string_view id, std::optional<std::int64_t> at) {
  if (!exists(id)) return false;
  db_.prepare("UPDATE customers SET disabled_at = ?2 WHERE id = ?1").bind(1, id).bind(2, at).run();
  return true;
}

std::vector<std::string> CustomerStore::disabled_ids() {
  std::vector<std::string> out;
  auto stmt = db_.prepare("SELECT id FROM customers WHERE disabled_at IS NOT NULL");
  while (stmt.step()) out.push_back(stmt.text(0));
  return out;
}

}  // namespace popflow::store
