#pragma once
// Where the store lives (CONTRACT "Several nodes": `store`): the SQLite file in the data dir
// (one node, the default), or a PostgreSQL database several nodes share. The MQTT session
// journal stays in the data dir's SQLite file either way: it is each node's own.
#include <string>

#include "store/database.hpp"

namespace popflow::store {

struct StoreLocation {
  Engine engine = Engine::sqlite;
  std::string data_dir;
  std::string url;       // PostgreSQL: the libpq URL, password included; never logged
  std::string redacted;  // what logs and errors name: the file, or the URL without a password

  // `setting`: "" or "sqlite", or a URL postgresql://… (postgres://… too). Throws
  // std::invalid_argument naming what is wrong, without the password.
  static StoreLocation parse(const std::string& setting, const std::string& data_dir);

  std::string sqlite_path() const { return data_dir + "/popflow.db"; }
  Database open() const;  // a new connection, migrated
};

// The HS256 signing secret every credential is signed and checked with: the data dir's
// secret.key (secret.hpp) with SQLite, one row several nodes share with PostgreSQL (made by
// the first node or command to need it; the others read the same).
std::string signing_secret(const StoreLocation& location, Database& db);

// This node's name in a shared store (its saved timelines): host name and data dir.
std::string node_name(const std::string& data_dir);

}  // namespace popflow::store
