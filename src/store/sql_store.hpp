#pragma once
// The repositories (repositories.hpp) over one connection to SQLite or PostgreSQL
// (database.hpp: the same SQL for both). The statements are
// prepared on every call: these are admin and start-up paths (the admin service, the CLI,
// the resolution snapshot's loader), never the trigger path, so simplicity wins over the
// few microseconds a statement cache would save.
//
// Threads: like its Database, used by one thread at a time.
#include <cstdint>

#include "store/database.hpp"
#include "store/repositories.hpp"
#include "store/sql_catalog.hpp"
#include "store/sql_timelines.hpp"
#include "store/sql_users.hpp"
#include "store/sql_workflows.hpp"

namespace popflow::store {

class SqlStore final : public Store {
 public:
  // `db` outlives the store. `node` names this node's saved timelines in a store several
  // nodes share (sql_timelines.hpp).
  explicit SqlStore(Database& db, std::string node = {});

  // An announced write transaction (Database::begin) … COMMIT. A write() inside another runs in a
  // savepoint: its own exception undoes only its writes, if the outer work catches it. A write()
  // inside a read() is refused (StoreError): the read snapshot cannot become a write.
  void write(const std::function<void(Repositories&)>& work) override;
  // A read transaction … COMMIT; inside another transaction, just runs `work` in it.
  void read(const std::function<void(Repositories&)>& work) override;

  // Each is one SELECT. Called inside read(), the four see the same snapshot: the loader
  // should do that so an instance and its publications agree.
  std::vector<workflows::Instance> all_instances() override;
  std::vector<workflows::AgentEntry> all_agents() override;
  std::vector<workflows::Event> all_events() override;
  std::vector<PublishedWorkflow> all_published() override;

  // The connection's data_version; this store also counts its own commits (SQLite's
  // PRAGMA data_version only moves on other connections'), so a server writing through it
  // notices its own changes too.
  std::int64_t data_version() override;

 private:
  enum class Open { none, read, write };
  // `begin`, the work, COMMIT; ROLLBACK and rethrow when the work throws.
  void transaction(Transaction kind, Open mode, const std::function<void(Repositories&)>& work);

  Database& db_;
  SqlCatalog catalog_;
  SqlWorkflows workflows_;
  SqlUsers users_;
  SqlAudit audit_;
  SqlTimelines timelines_;
  Repositories repositories_;
  Open open_ = Open::none;
  int savepoints_ = 0;
  bool committed_ = false;  // a write() committed since data_version() last looked
  std::int64_t seen_version_;
  std::int64_t version_ = 1;
};

}  // namespace popflow::store
