#include "store/migrations.hpp"

#include <string>

#include "store/database.hpp"

namespace popflow::store {
namespace {

// Append only: a released step is never edited, a new one is added.
constexpr const char* kSteps[] = {
    // 1: customers and their credentials (API keys and client tokens).
    R"sql(
    CREATE TABLE customers (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL
    );
    CREATE TABLE keys (
      id          TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL REFERENCES customers(id),
      kind        TEXT NOT NULL CHECK (kind IN ('api_key', 'client_token')),
      scope       TEXT NOT NULL DEFAULT '',
      crm_ids     TEXT NOT NULL DEFAULT '',
      agent_id    TEXT,
      label       TEXT NOT NULL DEFAULT '',
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER,
      revoked_at  INTEGER
    );
    CREATE INDEX keys_by_customer ON keys(customer_id);
    )sql",
};

constexpr int kLatest = sizeof kSteps / sizeof kSteps[0];

}  // namespace

int schema_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  stmt.step();
  return static_cast<int>(stmt.integer(0));
}

void migrate(Database& db) {
  // Each step re-reads the version inside its write transaction, so a CLI command and a
  // server starting at the same moment never apply a step twice.
  for (;;) {
    db.exec("BEGIN IMMEDIATE");
    try {
      const int version = schema_version(db);
      if (version > kLatest)
        throw StoreError("store schema version " + std::to_string(version) +
                         " is newer than this binary supports (" + std::to_string(kLatest) + ")");
      if (version == kLatest) {
        db.exec("COMMIT");
        return;
      }
      db.exec(kSteps[version]);
      db.exec("PRAGMA user_version = " + std::to_string(version + 1));
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace popflow::store
