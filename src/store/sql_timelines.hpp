#pragma once
// TimelineRepository over SQL: one row a trigger, its record as JSON
// (history/stored_record.hpp), keyed by its id. In a store several nodes share (PostgreSQL),
// each node saves and restores only its own rows, under its name.
#include <string>

#include "store/database.hpp"
#include "store/repositories.hpp"

namespace popflow::store {

class SqlTimelines final : public TimelineRepository {
 public:
  SqlTimelines(Database& db, std::string node) : db_(db), node_(std::move(node)) {}

  void replace_all(const std::vector<history::TriggerRecord>& records) override;
  std::vector<history::TriggerRecord> all() override;

 private:
  Database& db_;
  std::string node_;  // PostgreSQL only: whose rows these are
};

}  // namespace popflow::store
