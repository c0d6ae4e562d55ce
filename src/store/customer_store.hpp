#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace popflow::store {

struct Customer {
  std::string id;
  std::string name;
  std::int64_t created_at = 0;
};

// Customers (tenants). Ids match [A-Za-z0-9._-]{1,64}: they become a topic level.
class CustomerStore {
 public:
  explicit CustomerStore(Database& db) : db_(db) {}

  static bool is_valid_id(std::string_view id);
  // Throws StoreError when the id is invalid or already taken.
  void add(const Customer& customer);
  bool exists(std::string_view id);
  std::vector<Customer> list();

 private:
  Database& db_;
};

}  // namespace popflow::store
