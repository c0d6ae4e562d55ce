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
    // 4: the interaction-workflow model (workflows/catalog.hpp), console users and the audit
    // log, behind the repositories (repositories.hpp). Removing an instance or a workflow
    // takes its children through ON DELETE CASCADE (Database turns foreign_keys on). Names
    // compare with BINARY collation: "On Ring" and "On ring" are two events. A publication
    // to all profiles has profile '' (NULLs would be distinct in the primary key).
    R"sql(
    CREATE TABLE instances (
      customer_id    TEXT NOT NULL REFERENCES customers(id),
      crm_id         TEXT NOT NULL,
      name           TEXT NOT NULL,
      crm_type       TEXT NOT NULL,
      url_record     TEXT NOT NULL,
      url_new_record TEXT NOT NULL,
      url_search     TEXT NOT NULL,
      created_at     INTEGER NOT NULL,
      revision       INTEGER NOT NULL,
      PRIMARY KEY (customer_id, crm_id)
    ) WITHOUT ROWID;
    CREATE TABLE profiles (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, name),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE agents (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      agent_id    TEXT NOT NULL,
      profile     TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, agent_id),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE events (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      description TEXT NOT NULL,
      built_in    INTEGER NOT NULL CHECK (built_in IN (0, 1)),
      PRIMARY KEY (customer_id, crm_id, name),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE workflows (
      id          TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      event       TEXT NOT NULL,
      description TEXT NOT NULL,
      draft       TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL,
      revision    INTEGER NOT NULL,
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    );
    CREATE INDEX workflows_by_instance ON workflows(customer_id, crm_id);
    CREATE TABLE workflow_versions (
      workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
      number      INTEGER NOT NULL,
      definition  TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      created_by  TEXT NOT NULL,
      PRIMARY KEY (workflow_id, number)
    ) WITHOUT ROWID;
    CREATE TABLE publications (
      customer_id  TEXT NOT NULL,
      crm_id       TEXT NOT NULL,
      event        TEXT NOT NULL,
      profile      TEXT NOT NULL,
      workflow_id  TEXT NOT NULL,
      version      INTEGER NOT NULL,
      published_at INTEGER NOT NULL,
      published_by TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, event, profile),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE,
      FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions(workflow_id, number)
        ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX publications_by_version ON publications(workflow_id, version);
    CREATE TABLE users (
      name          TEXT PRIMARY KEY,
      customer_id   TEXT REFERENCES customers(id),
      role          TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      last_login_at INTEGER
    );
    CREATE INDEX users_by_customer ON users(customer_id, name);
    CREATE TABLE audit_log (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      customer_id TEXT NOT NULL,
      at          INTEGER NOT NULL,
      actor       TEXT NOT NULL,
      action      TEXT NOT NULL,
      target      TEXT NOT NULL,
      before      TEXT NOT NULL,
      after       TEXT NOT NULL
    );
    CREATE INDEX audit_by_customer ON audit_log(customer_id, id);
    CREATE INDEX audit_by_target ON audit_log(target, id);
    )sql",
    // 5: admin tokens (issue 12) are keys of a third kind. SQLite cannot change a CHECK
    // constraint in place, so the table is rebuilt; nothing references it.
    R"sql(
    CREATE TABLE keys_v5 (
      id          TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL REFERENCES customers(id),
      kind        TEXT NOT NULL CHECK (kind IN ('api_key', 'client_token', 'admin_token')),
      scope       TEXT NOT NULL DEFAULT '',
      crm_ids     TEXT NOT NULL DEFAULT '',
      agent_id    TEXT,
      label       TEXT NOT NULL DEFAULT '',
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER,
      revoked_at  INTEGER
    );
    INSERT INTO keys_v5 SELECT id, customer_id, kind, scope, crm_ids, agent_id, label,
                               created_at, expires_at, revoked_at FROM keys;
    DROP TABLE keys;
    ALTER TABLE keys_v5 RENAME TO keys;
    CREATE INDEX keys_by_customer ON keys(customer_id);
    )sql",
    // 6: trigger timelines kept across a restart (issue 12): saved on shutdown, restored at
    // start, bounded like the history in memory.
    R"sql(
    CREATE TABLE trigger_timelines (
      id          TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      record      TEXT NOT NULL
    );
    )sql",
    // 7: the pop rules (issue 13): an event's age limit and an instance's supersede field.
    // Existing instances get what new ones start with (workflows/catalog.hpp).
    R"sql(
    ALTER TABLE events ADD COLUMN stale_after INTEGER CHECK (stale_after IS NULL OR stale_after > 0);
    UPDATE events SET stale_after = 30 WHERE built_in = 1 AND name IN ('On Ring', 'Chat Ring');
    ALTER TABLE instances ADD COLUMN supersede_by TEXT NOT NULL DEFAULT 'callId';
    )sql",
    // 8: the operators' screen (issue 14): a customer can be disabled (its keys, tokens and
    // console users refused until enabled again), and a key remembers when it was last used.
    R"sql(
    ALTER TABLE customers ADD COLUMN disabled_at INTEGER;
    ALTER TABLE keys ADD COLUMN last_used_at INTEGER;
    )sql",
};

constexpr int kLatest = sizeof kSteps / sizeof kSteps[0];

}  // namespace

int schema_version(Database& db) {
  if (db.engine() == Engine::postgresql) return postgresql_schema_version(db);
  auto stmt = db.prepare("PRAGMA user_version");
  stmt.step();
  return static_cast<int>(stmt.integer(0));
}

void migrate(Database& db) {
  if (db.engine() == Engine::postgresql) return migrate_postgresql(db);
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
