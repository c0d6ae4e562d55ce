#pragma once
// TimelineRepository over SQLite: one row a trigger, its record as JSON
// (history/stored_record.hpp), keyed by its id.
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace popflow::store {

class SqliteTimelines final : public TimelineRepository {
 public:
  explicit SqliteTimelines(Database& db) : db_(db) {}

  void replace_all(const std::vector<history::TriggerRecord>& records) override;
  std::vector<history::TriggerRecord> all() override;

 private:
  Database& db_;
};

}  // namespace popflow::store
