#pragma once
// The admin commands of CONTRACT "One binary": customers, API keys and client tokens.
// Each prints its result on stdout and throws std::runtime_error with a one-line reason.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "admin/credentials.hpp"
#include "store/location.hpp"

namespace popflow::app {

// The store (the data dir's SQLite file, or PostgreSQL with --store) and the signing secret,
// created on first use.
struct DataDir {
  DataDir(const std::string& path, const std::string& store_setting = {});
  store::StoreLocation location;
  store::Database db;
  std::string secret;
  // The data dir's own SQLite file, for what stays on each node (the session journal): the
  // store itself with SQLite.
  store::Database& local();

 private:
  std::optional<store::Database> local_;
};

void customer_add(DataDir& dir, const std::string& id, const std::string& name, std::ostream& out);
void customer_list(DataDir& dir, std::ostream& out);
void key_list(DataDir& dir, const std::optional<std::string>& customer, std::ostream& out);
void key_revoke(DataDir& dir, const std::string& key_id, std::ostream& out);

// `store import`: the data dir's SQLite store and signing secret into the empty PostgreSQL
// store `store_setting` names (store/store_import.hpp). Not through a DataDir, which would
// give the PostgreSQL store a secret of its own first.
void store_import(const std::string& data_dir, const std::string& store_setting, std::ostream& out);

// "90d" -> 90 days; throws naming `flag` for anything parse_duration refuses.
std::chrono::seconds duration_flag(const std::string& flag, const std::string& text);

}  // namespace popflow::app
