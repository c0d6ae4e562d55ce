// What only a store several nodes share has: one signing secret, change notifications, each
// node's own saved timelines, writers taking turns. The engine-independent tests run here
// too (CMakeLists.txt); these run on PostgreSQL only.
#include <gtest/gtest.h>
#include <poll.h>

#include <thread>

#include "store/customer_store.hpp"
#include "store/key_store.hpp"
#include "store/location.hpp"
#include "store/postgres_listener.hpp"
#include "store/sql_store.hpp"
#include "store/sql_timelines.hpp"
#include "test_store.hpp"

namespace popflow::store {
namespace {

using testing_support::TestStore;

// Waits (for at most 10 s: generous, this is not a timing test) until the listener's socket
// is readable, then asks it.
bool notified(ChangeListener& listener) {
  for (int i = 0; i < 100; ++i) {
    pollfd fd{listener.socket(), POLLIN, 0};
    if (::poll(&fd, 1, 100) > 0 && listener.changed()) return true;
  }
  return false;
}

// Whether anything is announced within a short while: for "nothing was".
bool announced_soon(ChangeListener& listener) {
  pollfd fd{listener.socket(), POLLIN, 0};
  return ::poll(&fd, 1, 300) > 0 && listener.changed();
}

KeyRecord api_key(const std::string& id) {
  KeyRecord key;
  key.id = id;
  key.customer_id = "acme";
  key.scope = {"cti"};
  key.created_at = 1;
  return key;
}

class PostgresStore : public testing::Test {
 protected:
  PostgresStore() { CustomerStore(db_).add({"acme", "Acme", 1}); }

  StoreLocation location() const { return StoreLocation::parse(place_.url(), "/unused"); }

  TestStore place_;
  Database db_ = place_.open();
};

TEST_F(PostgresStore, EveryNodeGetsTheSameSigningSecret) {
  auto node_b = place_.open();
  const auto a = signing_secret(location(), db_);
  const auto b = signing_secret(location(), node_b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(signing_secret(location(), db_), a);  // and it stays
}

TEST_F(PostgresStore, ARevocationByAnotherConnectionIsAnnouncedAndMovesTheVersion) {
  KeyStore(db_).insert(api_key("k_1"));
  ChangeListener listener(place_.url(), "test");
  const auto before = db_.data_version();
  auto cli = place_.open();  // another node, or the CLI
  ASSERT_TRUE(KeyStore(cli).revoke("k_1", 42));
  EXPECT_TRUE(notified(listener));
  EXPECT_NE(db_.data_version(), before);
  EXPECT_EQ(KeyStore(db_).find("k_1")->revoked_at, 42);
}

TEST_F(PostgresStore, AKeysLastUseIsNeitherAnnouncedNorAVersion) {
  KeyStore(db_).insert(api_key("k_1"));
  ChangeListener listener(place_.url(), "test");
  const auto before = db_.data_version();
  KeyStore(db_).note_use("k_1", 1000);  // every node, every 30 s: nobody reloads for it
  EXPECT_FALSE(announced_soon(listener));
  EXPECT_EQ(db_.data_version(), before);
  EXPECT_EQ(KeyStore(db_).find("k_1")->last_used_at, 1000);
}

TEST_F(PostgresStore, AWorkflowModelChangeIsAnnouncedToo) {
  ChangeListener listener(place_.url(), "test");
  SqlStore store(db_);
  store.write([](Repositories& r) {
    r.users.insert_user({"alice", "acme", Role::admin, "h", 1, std::nullopt});
  });
  EXPECT_TRUE(notified(listener));
}

TEST_F(PostgresStore, EachNodeRestoresOnlyItsOwnTimelines) {
  const auto record = [](const std::string& id) {
    history::TriggerRecord r;
    r.id = id;
    r.customer = "acme";
    r.received_at_ms = 10;
    r.channel = "CTI";
    return r;
  };
  auto other = place_.open();
  SqlTimelines a(db_, "host-a:/data");
  SqlTimelines b(other, "host-b:/data");
  a.replace_all({record("t1"), record("t2")});
  b.replace_all({record("t3")});
  a.replace_all({record("t4")});  // a's next save replaces a's, not b's
  ASSERT_EQ(a.all().size(), 1u);
  EXPECT_EQ(a.all()[0].id, "t4");
  ASSERT_EQ(b.all().size(), 1u);
  EXPECT_EQ(b.all()[0].id, "t3");
}

TEST_F(PostgresStore, WritersTakeTurnsSoACheckAndItsWriteNeverRace) {
  // Two nodes add the same user at once, each checking first that the name is free: with
  // writers taking turns, exactly one succeeds and the other sees the first's row.
  SqlStore store_a(db_);
  auto db_b = place_.open();
  SqlStore store_b(db_b);
  int added = 0, refused = 0;
  const auto add = [&](SqlStore& store) {
    store.write([&](Repositories& r) {
      if (r.users.user("bob")) {
        ++refused;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the other one tries now
      r.users.insert_user({"bob", "acme", Role::viewer, "h", 1, std::nullopt});
      ++added;
    });
  };
  std::thread other([&] { add(store_b); });
  add(store_a);
  other.join();
  EXPECT_EQ(added, 1);
  EXPECT_EQ(refused, 1);
}

TEST_F(PostgresStore, ATransactionBrokenByALostConnectionFailsAndTheNextOneReconnects) {
  SqlStore store(db_);
  store.write([](Repositories& r) {
    r.users.insert_user({"carol", "acme", Role::viewer, "h", 1, {}});
  });
  // The server ends this connection (as a restart or a failover would).
  auto backend = db_.prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(backend.step());
  auto killer = place_.open();
  killer.prepare("SELECT pg_terminate_backend(CAST(?1 AS INTEGER))")
      .bind(1, backend.integer(0))
      .run();
  std::optional<User> seen;
  EXPECT_NO_THROW(store.read([&](Repositories& r) { seen = r.users.user("carol"); }));
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace popflow::store
