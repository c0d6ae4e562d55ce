#include "store/sql_store.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "store_fixture.hpp"

namespace popflow::store {
namespace {

using namespace store_testing;

constexpr const char* kCrm = "a.example.com";

// What another process sees: a second connection to the same store.
std::size_t instances_seen_by_another_connection(const testing_support::TestStore& place) {
  auto other = place.open();
  return SqlCatalog(other).instances("acme").size();
}

TEST_F(StoreTest, WriteCommitsAllOfItsWork) {
  store_.write([](Repositories& r) {
    r.catalog.insert_instance(make_instance("acme", kCrm));
    r.catalog.insert_profile({"acme", kCrm, "Tier 1"});
    r.audit.append({0, "acme", 1, "cli", "instance.create", "instance:a", "", "{}"});
  });
  EXPECT_EQ(instances_seen_by_another_connection(place_), 1u);
  EXPECT_EQ(catalog_.profiles("acme", kCrm).size(), 1u);
  EXPECT_EQ(audit_.entries({}).size(), 1u);
}

TEST_F(StoreTest, WriteRollsBackEverythingWhenTheWorkThrows) {
  EXPECT_THROW(store_.write([](Repositories& r) {
    r.catalog.insert_instance(make_instance("acme", kCrm));
    r.catalog.insert_event({"acme", kCrm, "On Ring", "", true, {}});
    r.users.insert_user({"alice", "acme", Role::admin, "h", 1, std::nullopt});
    r.audit.append({0, "acme", 1, "cli", "instance.create", "instance:a", "", "{}"});
    throw std::runtime_error("the caller's check failed");
  }),
               std::runtime_error);
  EXPECT_FALSE(catalog_.instance("acme", kCrm));
  EXPECT_TRUE(catalog_.events("acme", kCrm).empty());
  EXPECT_FALSE(users_.user("alice"));
  EXPECT_TRUE(audit_.entries({}).empty());
  // The transaction is closed: the next write starts its own.
  store_.write([](Repositories& r) { r.catalog.insert_instance(make_instance("acme", kCrm)); });
  EXPECT_EQ(instances_seen_by_another_connection(place_), 1u);
}

TEST_F(StoreTest, AStoreErrorRollsBackTheWritesBeforeIt) {
  EXPECT_THROW(store_.write([](Repositories& r) {
    r.catalog.insert_instance(make_instance("acme", kCrm));
    r.catalog.insert_instance(make_instance("acme", kCrm));  // a constraint error
  }),
               StoreError);
  EXPECT_FALSE(catalog_.instance("acme", kCrm));
}

TEST_F(StoreTest, AWriteInsideAWriteIsPartOfIt) {
  EXPECT_THROW(store_.write([&](Repositories& r) {
    store_.write(
        [](Repositories& inner) { inner.catalog.insert_instance(make_instance("acme", kCrm)); });
    r.catalog.insert_profile({"acme", kCrm, "Tier 1"});
    throw std::runtime_error("later");
  }),
               std::runtime_error);
  EXPECT_FALSE(catalog_.instance("acme", kCrm));
}

TEST_F(StoreTest, AnInnerWriteThatThrowsUndoesOnlyItsOwnWrites) {
  store_.write([&](Repositories& r) {
    r.catalog.insert_instance(make_instance("acme", kCrm));
    try {
      store_.write([](Repositories& inner) {
        inner.catalog.insert_profile({"acme", kCrm, "Tier 1"});
        throw std::runtime_error("inner");
      });
    } catch (const std::runtime_error&) {
    }
    r.catalog.insert_profile({"acme", kCrm, "Tier 2"});
  });
  const auto profiles = catalog_.profiles("acme", kCrm);
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_EQ(profiles[0].name, "Tier 2");
}

TEST_F(StoreTest, AWriteInsideAReadIsRefused) {
  EXPECT_THROW(store_.read([&](Repositories&) { store_.write([](Repositories&) {}); }), StoreError);
  // And the read's transaction was closed on the way out.
  EXPECT_NO_THROW(store_.write(
      [](Repositories& r) { r.catalog.insert_instance(make_instance("acme", kCrm)); }));
}

TEST_F(StoreTest, AReadSeesOneSnapshot) {
  auto other = place_.open();
  std::size_t before = 99, during = 99;
  store_.read([&](Repositories& r) {
    before = r.catalog.instances("acme").size();
    SqlCatalog(other).insert_instance(make_instance("acme", kCrm));  // commits meanwhile
    during = r.catalog.instances("acme").size();
    EXPECT_TRUE(store_.all_instances().empty());  // the snapshot functions share it
  });
  EXPECT_EQ(before, 0u);
  EXPECT_EQ(during, 0u);
  store_.read([&](Repositories& r) { EXPECT_EQ(r.catalog.instances("acme").size(), 1u); });
}

TEST_F(StoreTest, DataVersionChangesWhenAnotherConnectionCommits) {
  const auto first = store_.data_version();
  EXPECT_EQ(store_.data_version(), first);
  {
    auto other = place_.open();
    SqlCatalog(other).insert_instance(make_instance("acme", kCrm));
  }
  const auto second = store_.data_version();
  EXPECT_NE(second, first);
  EXPECT_EQ(store_.data_version(), second);
}

TEST_F(StoreTest, DataVersionChangesAfterItsOwnWriteButNotAfterARead) {
  const auto first = store_.data_version();
  store_.read([](Repositories& r) { r.catalog.instances("acme"); });
  EXPECT_EQ(store_.data_version(), first);
  store_.write([](Repositories& r) { r.catalog.insert_instance(make_instance("acme", kCrm)); });
  EXPECT_NE(store_.data_version(), first);
}

}  // namespace
}  // namespace popflow::store
