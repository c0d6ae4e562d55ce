#pragma once

namespace popflow::store {

class Database;

// Brings the schema to the latest version. SQLite: one transaction per step, recording the
// version in PRAGMA user_version. PostgreSQL: its own steps (postgres_schema.cpp) in one
// transaction, the version in popflow_schema. A store newer than this binary is refused.
void migrate(Database& db);
int schema_version(Database& db);

void migrate_postgresql(Database& db);
int postgresql_schema_version(Database& db);

}  // namespace popflow::store
