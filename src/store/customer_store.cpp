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

std::vector<Customer> CustomerStore::list() {
  std::vector<Customer> out;
  auto stmt = db_.prepare("SELECT id, name, created_at FROM customers ORDER BY id");
  while (stmt.step()) out.push_back({stmt.text(0), stmt.text(1), stmt.integer(2)});
  return out;
}

}  // namespace popflow::store
