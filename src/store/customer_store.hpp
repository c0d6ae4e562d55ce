#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace popflow::store {

struct Customer {
  std::string id;
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> disabled_at{};  // Unix seconds; set: every credential refused
};

// Customers (tenants). Ids match [A-Za-z0-9._-]{1,64}: they become a topic level.
class CustomerStore {
 public:
  explicit CustomerStore(Database& db) : db_(db) {}

  static bool is_valid_id(std::string_view id);
  // Throws StoreError when the id is invalid or already taken.
  void add(const Customer& customer);
  bool exists(std::string_view id);
  std::optional<Customer> find(std::string_view id);
  std::vector<Customer> list();
  // False when there is no such customer.
  bool rename(std::string_view id, std::string_view name);
  // Disabled at `at`, or enabled again with nullopt. False when there is no such customer.
  bool set_disabled(std::string_view id, std::optional<std::int64_t> at);
  std::vector<std::string> disabled_ids();

 private:
  Database& db_;
};

}  // namespace popflow::store
