#include "store/sql_store.hpp"

namespace popflow::store {
namespace {

// Undoing must not hide why: a failed ROLLBACK (SQLite may already have rolled back, on a
// full disk for one) loses to the exception that caused it.
void undo(Database& db, const char* sql) noexcept {
  try {
    db.exec(sql);
  } catch (const StoreError&) {
  }
}

}  // namespace

SqlStore::SqlStore(Database& db, std::string node)
    : db_(db),
      catalog_(db),
      workflows_(db),
      users_(db),
      audit_(db),
      timelines_(db, std::move(node)),
      repositories_{catalog_, workflows_, users_, audit_, timelines_},
      seen_version_(db.data_version()) {}

void SqlStore::write(const std::function<void(Repositories&)>& work) {
  if (open_ == Open::read) throw StoreError("write() inside read(): use write() for both");
  if (open_ == Open::write) {
    // A savepoint rather than nothing, so "all of its writes or none" holds for an inner
    // write() whose exception the outer work catches.
    const auto name = "nested_" + std::to_string(++savepoints_);
    db_.exec("SAVEPOINT " + name);
    try {
      work(repositories_);
    } catch (...) {
      undo(db_, ("ROLLBACK TO " + name + "; RELEASE " + name).c_str());
      --savepoints_;
      throw;
    }
    db_.exec("RELEASE " + name);
    --savepoints_;
    return;
  }
  transaction(Transaction::write, Open::write, work);
  committed_ = true;
}

void SqlStore::transaction(Transaction kind, Open mode,
                           const std::function<void(Repositories&)>& work) {
  db_.begin(kind);
  open_ = mode;
  try {
    work(repositories_);
    db_.exec("COMMIT");
  } catch (...) {
    open_ = Open::none;
    undo(db_, "ROLLBACK");
    throw;
  }
  open_ = Open::none;
}

void SqlStore::read(const std::function<void(Repositories&)>& work) {
  if (open_ != Open::none) {
    work(repositories_);
    return;
  }
  transaction(Transaction::read, Open::read, work);
}

std::vector<workflows::Instance> SqlStore::all_instances() {
  return catalog_.all_instances();
}

std::vector<workflows::AgentEntry> SqlStore::all_agents() {
  return catalog_.all_agents();
}

std::vector<workflows::Event> SqlStore::all_events() {
  return catalog_.all_events();
}

std::vector<PublishedWorkflow> SqlStore::all_published() {
  return workflows_.all_published();
}

std::int64_t SqlStore::data_version() {
  // A counter of our own: PRAGMA data_version's value means nothing beyond "differs".
  const auto seen = db_.data_version();
  if (seen != seen_version_ || committed_) {
    seen_version_ = seen;
    committed_ = false;
    ++version_;
  }
  return version_;
}

}  // namespace popflow::store
