#pragma once
// `store import`: a single node outgrowing its machine moves its SQLite store into the
// PostgreSQL one its nodes will share (docs/cluster.md "The shared store"): customers, keys
// (revocations and last uses), the workflow model, console users, the audit log and the saved
// timelines, and the signing secret, so every key and token already handed out keeps working.
// Only into a PostgreSQL store that holds nothing yet, in one transaction: all of it or none.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace popflow::store {

struct ImportedTable {
  std::string name;
  std::size_t rows = 0;
};

// `from`: the SQLite store; `to`: the PostgreSQL one; `secret`: the SQLite store's signing
// secret (its data dir's secret.key); `node`: whose saved timelines they become. Throws
// StoreError naming what stands in the way (a store not empty, an engine mismatch).
std::vector<ImportedTable> import_store(Database& from, Database& to, const std::string& secret,
                                        const std::string& node);

}  // namespace popflow::store
