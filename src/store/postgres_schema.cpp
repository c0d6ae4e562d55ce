// The PostgreSQL schema: what several nodes share (CONTRACT "Several nodes"). The same
// tables and columns as SQLite's latest step (migrations.cpp), so one SQL text serves both,
// less what stays on each node (the MQTT session journal), plus what only a shared store
// needs: the change counter, the signing secret, and whose saved timelines are whose.
#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"

namespace popflow::store {
namespace {

// Append only, as SQLite's steps.
constexpr const char* kSteps[] = {
    // 1: SQLite's schema at its step 8.
    R"sql(
    CREATE TABLE customers (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL DEFAULT '',
      created_at  BIGINT NOT NULL,
      disabled_at BIGINT
    );
    CREATE TABLE keys (
      id           TEXT PRIMARY KEY,
      customer_id  TEXT NOT NULL REFERENCES customers(id),
      kind         TEXT NOT NULL CHECK (kind IN ('api_key', 'client_token', 'admin_token')),
      scope        TEXT NOT NULL DEFAULT '',
      crm_ids      TEXT NOT NULL DEFAULT '',
      agent_id     TEXT,
      label        TEXT NOT NULL DEFAULT '',
      created_at   BIGINT NOT NULL,
      expires_at   BIGINT,
      revoked_at   BIGINT,
      last_used_at BIGINT
    );
    CREATE INDEX keys_by_customer ON keys(customer_id);
    CREATE TABLE instances (
      customer_id    TEXT NOT NULL REFERENCES customers(id),
      crm_id         TEXT NOT NULL,
      name           TEXT NOT NULL,
      crm_type       TEXT NOT NULL,
      url_record     TEXT NOT NULL,
      url_new_record TEXT NOT NULL,
      url_search     TEXT NOT NULL,
      created_at     BIGINT NOT NULL,
      revision       BIGINT NOT NULL,
      supersede_by   TEXT NOT NULL DEFAULT 'callId',
      PRIMARY KEY (customer_id, crm_id)
    );
    CREATE TABLE profiles (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, name),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    );
    CREATE TABLE agents (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      agent_id    TEXT NOT NULL,
      profile     TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, agent_id),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    );
    CREATE TABLE events (
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      description TEXT NOT NULL,
      built_in    INTEGER NOT NULL CHECK (built_in IN (0, 1)),
      stale_after INTEGER CHECK (stale_after IS NULL OR stale_after > 0),
      PRIMARY KEY (customer_id, crm_id, name),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    );
    CREATE TABLE workflows (
      id          TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      crm_id      TEXT NOT NULL,
      name        TEXT NOT NULL,
      event       TEXT NOT NULL,
      description TEXT NOT NULL,
      draft       TEXT NOT NULL,
      created_at  BIGINT NOT NULL,
      updated_at  BIGINT NOT NULL,
      revision    BIGINT NOT NULL,
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE
    );
    CREATE INDEX workflows_by_instance ON workflows(customer_id, crm_id);
    CREATE TABLE workflow_versions (
      workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
      number      INTEGER NOT NULL,
      definition  TEXT NOT NULL,
      created_at  BIGINT NOT NULL,
      created_by  TEXT NOT NULL,
      PRIMARY KEY (workflow_id, number)
    );
    CREATE TABLE publications (
      customer_id  TEXT NOT NULL,
      crm_id       TEXT NOT NULL,
      event        TEXT NOT NULL,
      profile      TEXT NOT NULL,
      workflow_id  TEXT NOT NULL,
      version      INTEGER NOT NULL,
      published_at BIGINT NOT NULL,
      published_by TEXT NOT NULL,
      PRIMARY KEY (customer_id, crm_id, event, profile),
      FOREIGN KEY (customer_id, crm_id) REFERENCES instances(customer_id, crm_id)
        ON DELETE CASCADE,
      FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions(workflow_id, number)
        ON DELETE CASCADE
    );
    CREATE INDEX publications_by_version ON publications(workflow_id, version);
    CREATE TABLE users (
      name          TEXT PRIMARY KEY,
      customer_id   TEXT REFERENCES customers(id),
      role          TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at    BIGINT NOT NULL,
      last_login_at BIGINT
    );
    CREATE INDEX users_by_customer ON users(customer_id, name);
    CREATE TABLE audit_log (
      id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      customer_id TEXT NOT NULL,
      at          BIGINT NOT NULL,
      actor       TEXT NOT NULL,
      action      TEXT NOT NULL,
      target      TEXT NOT NULL,
      before      TEXT NOT NULL,
      after       TEXT NOT NULL
    );
    CREATE INDEX audit_by_customer ON audit_log(customer_id, id);
    CREATE INDEX audit_by_target ON audit_log(target, id);
    -- Each node saves and restores its own history (history/trigger_history.hpp).
    CREATE TABLE trigger_timelines (
      node        TEXT NOT NULL,
      id          TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      received_at BIGINT NOT NULL,
      saved       BIGINT GENERATED ALWAYS AS IDENTITY,
      record      TEXT NOT NULL,
      PRIMARY KEY (node, id)
    );
    -- What data_version() reads: moved, and announced to every node's LISTEN, by any
    -- change to what nodes hold in memory (keys, customers, the workflow model, users),
    -- whoever makes it (a node, the CLI, psql). Not by a key's last use, the audit log or
    -- saved timelines.
    CREATE TABLE popflow_changes (version BIGINT NOT NULL);
    INSERT INTO popflow_changes VALUES (1);
    CREATE FUNCTION popflow_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE popflow_changes SET version = version + 1;
      PERFORM pg_notify('popflow_changes', '');
      RETURN NULL;
    END $$;
    CREATE TRIGGER keys_changed
      AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF id, customer_id, kind, scope, crm_ids,
        agent_id, label, created_at, expires_at, revoked_at
      ON keys FOR EACH STATEMENT EXECUTE FUNCTION popflow_changed();
    DO $$
    DECLARE t TEXT;
    BEGIN
      FOREACH t IN ARRAY ARRAY['customers', 'instances', 'profiles', 'agents', 'events',
                               'workflows', 'workflow_versions', 'publications', 'users'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION popflow_changed()',
                       t || '_changed', t);
      END LOOP;
    END $$;
    -- The HS256 signing secret every node signs and checks with (secret.hpp).
    CREATE TABLE popflow_secret (
      one    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
      secret BYTEA NOT NULL
    );
    )sql",
};

constexpr int kLatest = sizeof kSteps / sizeof kSteps[0];

int stored_version(Database& db) {
  auto version = db.prepare("SELECT version FROM popflow_schema");
  return version.step() ? static_cast<int>(version.integer(0)) : 0;
}

}  // namespace

// All steps in one transaction (PostgreSQL's DDL is transactional), under an advisory lock:
// nodes starting together wait for the first, then find nothing to do.
void migrate_postgresql(Database& db) {
  db.begin(Transaction::quiet);  // the change counter may not exist yet
  try {
    db.exec(
        "SELECT pg_advisory_xact_lock(7370464); "
        "CREATE TABLE IF NOT EXISTS popflow_schema (version INTEGER NOT NULL)");
    const int version = stored_version(db);
    if (version > kLatest)
      throw StoreError("store schema version " + std::to_string(version) +
                       " is newer than this binary supports (" + std::to_string(kLatest) + ")");
    for (int step = version; step < kLatest; ++step) db.exec(kSteps[step]);
    if (version == 0)
      db.exec("INSERT INTO popflow_schema VALUES (" + std::to_string(kLatest) + ")");
    else if (version < kLatest)
      db.exec("UPDATE popflow_schema SET version = " + std::to_string(kLatest));
    db.exec("COMMIT");
  } catch (...) {
    roll_back(db);
    throw;
  }
}

int postgresql_schema_version(Database& db) {
  return stored_version(db);
}

}  // namespace popflow::store
