#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <set>

#include "store/database.hpp"
#include "temp_dir.hpp"

namespace popflow::store {
namespace {

using testing_support::TempDir;

std::set<std::string> tables(Database& db) {
  std::set<std::string> out;
  auto stmt = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')");
  while (stmt.step()) out.insert(stmt.text(0));
  return out;
}

TEST(Migrations, OpeningANewStoreCreatesTheSchema) {
  TempDir dir;
  Database db(dir.file("store.db"));
  EXPECT_EQ(schema_version(db), 4);
  const auto names = tables(db);
  EXPECT_TRUE(names.count("customers"));
  EXPECT_TRUE(names.count("keys"));
  EXPECT_TRUE(names.count("keys_by_customer"));
}

TEST(Migrations, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  {
    Database db(dir.file("store.db"));
    db.exec("INSERT INTO customers (id, name, created_at) VALUES ('acme', 'Acme', 1)");
  }
  Database db(dir.file("store.db"));
  EXPECT_EQ(schema_version(db), 4);
  migrate(db);  // running again is a no-op
  migrate(db);
  EXPECT_EQ(schema_version(db), 4);
  auto stmt = db.prepare("SELECT count(*) FROM customers");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.integer(0), 1);
}

TEST(Migrations, TwoConnectionsOpeningTogetherAgree) {
  TempDir dir;
  Database a(dir.file("store.db"));
  Database b(dir.file("store.db"));
  EXPECT_EQ(schema_version(a), schema_version(b));
}

TEST(Migrations, RefusesAStoreNewerThanTheBinary) {
  TempDir dir;
  { Database(dir.file("store.db")).exec("PRAGMA user_version = 99"); }
  // Twice: the first refusal must roll back and release the write lock, so the second
  // fails for the same reason rather than "database is locked".
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      Database db(dir.file("store.db"));
      ADD_FAILURE() << "opened a store from the future";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
  }
}

TEST(Migrations, SchemaRefusesUnknownKeyKinds) {
  TempDir dir;
  Database db(dir.file("store.db"));
  db.exec("INSERT INTO customers (id, name, created_at) VALUES ('acme', '', 1)");
  EXPECT_THROW(db.exec("INSERT INTO keys (id, customer_id, kind, created_at) "
                       "VALUES ('k_1', 'acme', 'master', 1)"),
               StoreError);
}

}  // namespace
}  // namespace popflow::store
