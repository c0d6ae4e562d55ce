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
    // 2: the broker's persistent MQTT sessions (issue #5, durability): written by the
    // server's journal thread, read back when it starts. No foreign keys: the journal writes
    // in arrival order and a session's rows go with it (broker/session_store.cpp).
    R"sql(
    CREATE TABLE mqtt_sessions (
      id          INTEGER PRIMARY KEY,
      key         TEXT NOT NULL,
      customer    TEXT,
      token_id    TEXT,
      agent_id    TEXT,
      expiry      INTEGER,
      detached_at INTEGER
    );
    CREATE TABLE mqtt_subscriptions (
      session_id      INTEGER NOT NULL,
      filter          TEXT NOT NULL,
      share_group     TEXT NOT NULL,
      topic_filter    TEXT NOT NULL,
      qos             INTEGER NOT NULL,
      no_local        INTEGER NOT NULL,
      retain_as_published INTEGER NOT NULL,
      retain_handling INTEGER NOT NULL,
      identifier      INTEGER NOT NULL,
      PRIMARY KEY (session_id, filter)
    ) WITHOUT ROWID;
    CREATE TABLE mqtt_queued (
      session_id  INTEGER NOT NULL,
      seq         INTEGER NOT NULL,
      qos         INTEGER NOT NULL,
      retain      INTEGER NOT NULL,
      subscription_ids TEXT NOT NULL,
      packet_id   INTEGER NOT NULL DEFAULT 0,
      released    INTEGER NOT NULL DEFAULT 0,
      topic       TEXT NOT NULL,
      payload     BLOB NOT NULL,
      message_id  TEXT NOT NULL,
      message_qos INTEGER NOT NULL,
      message_retain INTEGER NOT NULL,
      expires_at  INTEGER,
      origin      INTEGER NOT NULL,
      properties  BLOB,
      PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE mqtt_retained (
      topic       TEXT PRIMARY KEY,
      payload     BLOB NOT NULL,
      message_id  TEXT NOT NULL,
      message_qos INTEGER NOT NULL,
      expires_at  INTEGER,
      properties  BLOB
    );
    )sql",
    // 3: `session purge` (issue 11): the CLI removes a session's rows and asks a running
    // server, through this table, to end it in memory too (broker/session_store.hpp).
    R"sql(
    CREATE TABLE mqtt_session_purges (
      session_id   INTEGER PRIMARY KEY,
      requested_at INTEGER NOT NULL
    );
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
