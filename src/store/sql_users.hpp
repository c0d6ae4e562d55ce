#pragma once
// UserRepository and AuditRepository in SQL (SQLite or PostgreSQL; migration step 4).
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace popflow::store {

class SqlUsers final : public UserRepository {
 public:
  explicit SqlUsers(Database& db) : db_(db) {}

  std::optional<User> user(const std::string& name) override;
  std::vector<User> users(const std::optional<std::string>& customer) override;
  // Throws StoreError with SQLITE_CONSTRAINT when the name is taken or the customer missing.
  void insert_user(const User& user) override;
  // Throws StoreError when there is no such user.
  void update_user(const User& user) override;
  bool remove_user(const std::string& name) override;

 private:
  Database& db_;
};

// Append-only: nothing here changes or removes an entry.
class SqlAudit final : public AuditRepository {
 public:
  explicit SqlAudit(Database& db) : db_(db) {}

  std::int64_t append(const AuditEntry& entry) override;
  std::vector<AuditEntry> entries(const AuditQuery& query) override;

 private:
  Database& db_;
};

}  // namespace popflow::store
