#pragma once
// The admin commands of CONTRACT "One binary": customers, API keys and client tokens.
// Each prints its result on stdout and throws std::runtime_error with a one-line reason.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "admin/credentials.hpp"

namespace popflow::app {

// The store and secret of one data directory, created on first use.
struct DataDir {
  explicit DataDir(const std::string& path);
  store::Database db;
  std::string secret;
};

void customer_add(DataDir& dir, const std::string& id, const std::string& name, std::ostream& out);
void customer_list(DataDir& dir, std::ostream& out);
void key_list(DataDir& dir, const std::optional<std::string>& customer, std::ostream& out);
void key_revoke(DataDir& dir, const std::string& key_id, std::ostream& out);

// "90d" -> 90 days; throws naming `flag` for anything parse_duration refuses.
std::chrono::seconds duration_flag(const std::string& flag, const std::string& text);

}  // namespace popflow::app
