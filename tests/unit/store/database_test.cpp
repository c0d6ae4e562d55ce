#include "store/database.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace popflow::store {
namespace {

using testing_support::TempDir;

TEST(Database, CreatesTheFileInWalMode) {
  TempDir dir;
  Database db(dir.file("store.db"));
  EXPECT_TRUE(std::filesystem::exists(dir.file("store.db")));
  auto stmt = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(0), "wal");
}

TEST(Database, EnforcesForeignKeys) {
  TempDir dir;
  Database db(dir.file("store.db"));
  auto stmt = db.prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.integer(0), 1);
}

TEST(Database, OpeningAnUnreachablePathThrows) {
  TempDir dir;
  EXPECT_THROW(Database(dir.file("missing/sub/dir/store.db")), StoreError);
}

TEST(Database, AFileThatIsNotADatabaseIsNamedWithWhatToDo) {
  TempDir dir;
  const auto path = dir.file("store.db");
  {
    std::ofstream out(path);
    for (int i = 0; i < 200; ++i) out << "not an SQLite database ";
  }
  try {
    Database db(path);
    FAIL() << "opened a file that is not a database";
  } catch (const StoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("backup"), std::string::npos) << what;
    EXPECT_NE(what.find("--data-dir"), std::string::npos) << what;
  }
}

TEST(Database, BadSqlThrowsStoreError) {
  TempDir dir;
  Database db(dir.file("store.db"));
  EXPECT_THROW(db.exec("SELEC nonsense"), StoreError);
  EXPECT_THROW(db.prepare("SELECT * FROM no_such_table"), StoreError);
}

TEST(Database, StatementBindsAndReadsEveryType) {
  TempDir dir;
  Database db(dir.file("store.db"));
  db.exec("CREATE TABLE t (s TEXT, i INTEGER, os TEXT, oi INTEGER)");
  const std::string with_nul("a\0b", 3);
  db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)")
      .bind(1, std::string_view(with_nul))
      .bind(2, std::int64_t{-42})
      .bind(3, std::optional<std::string>{})
      .bind(4, std::optional<std::int64_t>{7})
      .run();
  EXPECT_EQ(db.changes(), 1);
  auto stmt = db.prepare("SELECT s, i, os, oi FROM t");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(0), with_nul);  // length-aware, not NUL-terminated
  EXPECT_EQ(stmt.integer(1), -42);
  EXPECT_EQ(stmt.optional_text(2), std::nullopt);
  EXPECT_EQ(stmt.optional_integer(3), 7);
  EXPECT_EQ(stmt.text(2), "");
  EXPECT_FALSE(stmt.step());
}

TEST(Database, DataVersionChangesWhenAnotherConnectionCommits) {
  TempDir dir;
  Database server(dir.file("store.db"));
  Database cli(dir.file("store.db"));
  const auto before = server.data_version();
  EXPECT_EQ(server.data_version(), before);
  cli.exec("INSERT INTO customers (id, name, created_at) VALUES ('acme', '', 1)");
  EXPECT_NE(server.data_version(), before);
}

}  // namespace
}  // namespace popflow::store
