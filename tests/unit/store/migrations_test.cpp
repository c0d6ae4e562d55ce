#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <set>

#include "store/database.hpp"
#include "store/key_store.hpp"
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
  EXPECT_EQ(schema_version(db), 8);
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
  EXPECT_EQ(schema_version(db), 8);
  migrate(db);  // running again is a no-op
  migrate(db);
  EXPECT_EQ(schema_version(db), 8);
  auto stmt = db.prepare("SELECT count(*) FROM customers");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.integer(0), 1);
}

TEST(Migrations, AVersion3StoreMovesToTheLatestVersionAndKeepsItsKeys) {
  TempDir dir;
  {
    // A store as a version-3 binary left it: without the tables of steps 4 and 6.
    Database db(dir.file("store.db"));
    db.exec("INSERT INTO customers (id, name, created_at) VALUES ('acme', 'Acme', 1)");
    KeyStore(db).insert({"k_1", "acme", KeyKind::api_key, {"cti"}, {}, {}, "label", 5, {}, {}});
    db.exec(
        "DROP TABLE trigger_timelines; DROP TABLE audit_log; DROP TABLE users; "
        "DROP TABLE publications; "
        "DROP TABLE workflow_versions; DROP TABLE workflows; DROP TABLE events; "
        "DROP TABLE agents; DROP TABLE profiles; DROP TABLE instances; "
        "ALTER TABLE customers DROP COLUMN disabled_at; "
        "PRAGMA user_version = 3");
  }
  Database db(dir.file("store.db"));
  EXPECT_EQ(schema_version(db), 8);
  const auto key = KeyStore(db).find("k_1");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->customer_id, "acme");
  EXPECT_EQ(key->label, "label");
  const auto names = tables(db);
  for (const char* table : {"instances", "profiles", "agents", "events", "workflows",
                            "workflow_versions", "publications", "users", "audit_log"})
    EXPECT_TRUE(names.count(table)) << table;
}

TEST(Migrations, AVersion6StoreGetsThePopRulesNewInstancesStartWith) {
  TempDir dir;
  {
    // A store as a version-6 binary left it: instances and events without the rule columns.
    Database db(dir.file("store.db"));
    db.exec(
        "INSERT INTO customers (id, name, created_at) VALUES ('acme', 'Acme', 1);"
        "ALTER TABLE events DROP COLUMN stale_after;"
        "ALTER TABLE instances DROP COLUMN supersede_by;"
        "ALTER TABLE customers DROP COLUMN disabled_at;"
        "ALTER TABLE keys DROP COLUMN last_used_at;"
        "INSERT INTO instances VALUES ('acme', 'a.example.com', 'A', 'generic', '', '', '', 1, 1);"
        "INSERT INTO events VALUES ('acme', 'a.example.com', 'On Ring', '', 1),"
        "  ('acme', 'a.example.com', 'On Answer', '', 1),"
        "  ('acme', 'a.example.com', 'Chat Ring', '', 1),"
        "  ('acme', 'a.example.com', 'VIP', '', 0);"
        "PRAGMA user_version = 6");
  }
  Database db(dir.file("store.db"));
  EXPECT_EQ(schema_version(db), 8);
  auto events = db.prepare("SELECT name, stale_after FROM events ORDER BY name");
  std::vector<std::pair<std::string, std::optional<std::int64_t>>> got;
  while (events.step()) got.emplace_back(events.text(0), events.optional_integer(1));
  const std::vector<std::pair<std::string, std::optional<std::int64_t>>> want = {
      {"Chat Ring", 30}, {"On Answer", std::nullopt}, {"On Ring", 30}, {"VIP", std::nullopt}};
  EXPECT_EQ(got, want);
  auto instance = db.prepare("SELECT supersede_by FROM instances");
  ASSERT_TRUE(instance.step());
  EXPECT_EQ(instance.text(0), "callId");
}

TEST(Migrations, AVersion7StoreGetsEnabledCustomersAndKeysNeverUsed) {
  TempDir dir;
  {
    Database db(dir.file("store.db"));
    db.exec("INSERT INTO customers (id, name, created_at) VALUES ('acme', 'Acme', 1)");
    KeyStore(db).insert({"k_1", "acme", KeyKind::api_key, {"cti"}, {}, {}, "label", 5, {}, {}});
    db.exec(
        "ALTER TABLE customers DROP COLUMN disabled_at;"
        "ALTER TABLE keys DROP COLUMN last_used_at;"
        "PRAGMA user_version = 7");
  }
  Database db(dir.file("store.db"));
  EXPECT_EQ(schema_version(db), 8);
  auto customer = db.prepare("SELECT disabled_at FROM customers WHERE id = 'acme'");
  ASSERT_TRUE(customer.step());
  EXPECT_EQ(customer.optional_integer(0), std::nullopt);
  const auto key = KeyStore(db).find("k_1");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->last_used_at, std::nullopt);
  KeyStore(db).note_use("k_1", 100);
  KeyStore(db).note_use("k_1", 90);  // another process's older use never moves it back
  EXPECT_EQ(KeyStore(db).find("k_1")->last_used_at, 100);
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
