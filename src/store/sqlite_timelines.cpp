#include "store/sqlite_timelines.hpp"

#include "history/stored_record.hpp"

namespace popflow::store {

// Called inside Store::write(): the old rows and the new ones in one transaction, so a
// crash mid-save keeps the previous save whole.
void SqliteTimelines::replace_all(const std::vector<history::TriggerRecord>& records) {
  db_.exec("DELETE FROM trigger_timelines");
  auto insert = db_.prepare(
      "INSERT OR IGNORE INTO trigger_timelines (id, customer_id, received_at, record) "
      "VALUES (?1, ?2, ?3, ?4)");
  for (const auto& record : records) {
    insert.bind(1, record.id)
        .bind(2, record.customer)
        .bind(3, record.received_at_ms)
        .bind(4, history::stored_json(record));
    insert.run();
  }
}

std::vector<history::TriggerRecord> SqliteTimelines::all() {
  auto stmt = db_.prepare("SELECT record FROM trigger_timelines ORDER BY received_at, rowid");
  std::vector<history::TriggerRecord> out;
  while (stmt.step())
    if (auto record = history::from_stored_json(stmt.text(0))) out.push_back(std::move(*record));
  return out;
}

}  // namespace popflow::store
