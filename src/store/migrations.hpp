#pragma once

namespace popflow::store {

class Database;

// Brings the schema to the latest version, one transaction per step, recording the
// version in PRAGMA user_version. A store newer than this binary is refused.
void migrate(Database& db);
int schema_version(Database& db);

}  // namespace popflow::store
