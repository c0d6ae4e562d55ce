#include "store/sql_timelines.hpp"

#include "history/stored_record.hpp"

namespace popflow::store {

// Called inside Store::write(): the old rows and the new ones in one transaction, so a
// crash mid-save keeps the previous save whole.
void SqlTimelines::replace_all(const std::vector<history::TriggerRecord>& records) {
  const bool shared = db_.engine() == Engine::postgresql;
  auto drop = db_.prepare(shared ? "DELETE FROM trigger_timelines WHERE node = ?1"
                                 : "DELETE FROM trigger_timelines");
  if (shared) drop.bind(1, node_);
  drop.run();
  auto insert = db_.prepare(
      shared ? "INSERT INTO trigger_timelines (id, customer_id, received_at, record, node) "
               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"
             : "INSERT INTO trigger_timelines (id, customer_id, received_at, record) "
               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  for (const auto& record : records) {
    insert.bind(1, record.id)
        .bind(2, record.customer)
        .bind(3, record.received_at_ms)
        .bind(4, history::stored_json(record));
    if (shared) insert.bind(5, node_);
    insert.run();
  }
}

std::vector<history::TriggerRecord> SqlTimelines::all() {
  const bool shared = db_.engine() == Engine::postgresql;
  // In the order saved among equal times: rowid in SQLite, `saved` in PostgreSQL.
  auto stmt =
      db_.prepare(shared ? "SELECT record FROM trigger_timelines WHERE node = ?1 "
                           "ORDER BY received_at, saved"
                         : "SELECT record FROM trigger_timelines ORDER BY received_at, rowid");
  if (shared) stmt.bind(1, node_);
  std::vector<history::TriggerRecord> out;
  while (stmt.step())
    if (auto record = history::from_stored_json(stmt.text(0))) out.push_back(std::move(*record));
  return out;
}

}  // namespace popflow::store
