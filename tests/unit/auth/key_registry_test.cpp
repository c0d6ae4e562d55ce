#include "auth/key_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace popflow::auth {
namespace {

store::KeyRecord record(std::string id, std::string customer, store::KeyKind kind,
                        std::optional<std::int64_t> revoked_at = std::nullopt) {
  store::KeyRecord k;
  k.id = std::move(id);
  k.customer_id = std::move(customer);
  k.kind = kind;
  k.revoked_at = revoked_at;
  return k;
}

TEST(KeyRegistry, EmptyUntilReplaced) {
  KeyRegistry registry;
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_EQ(registry.find("k_1"), std::nullopt);
}

TEST(KeyRegistry, FindsCustomerKindAndRevocation) {
  KeyRegistry registry;
  registry.replace({record("k_1", "acme", store::KeyKind::api_key),
                    record("k_2", "globex", store::KeyKind::client_token, 500)});
  EXPECT_EQ(registry.size(), 2u);
  const auto api = registry.find("k_1");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->customer, "acme");
  EXPECT_EQ(api->kind, TokenKind::api_key);
  EXPECT_EQ(api->revoked_at, std::nullopt);
  const auto client = registry.find("k_2");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->customer, "globex");
  EXPECT_EQ(client->kind, TokenKind::client_token);
  EXPECT_EQ(client->revoked_at, 500);
}

TEST(KeyRegistry, ReplaceSwapsTheWholeTable) {
  KeyRegistry registry;
  registry.replace({record("k_1", "acme", store::KeyKind::api_key)});
  registry.replace({record("k_2", "acme", store::KeyKind::api_key, 9)});
  EXPECT_EQ(registry.find("k_1"), std::nullopt);  // deleted from the store: gone here too
  ASSERT_TRUE(registry.find("k_2"));
  EXPECT_EQ(registry.find("k_2")->revoked_at, 9);
  registry.replace({});
  EXPECT_EQ(registry.size(), 0u);
}

// Readers on other threads see either the old or the new table, never a torn one.
TEST(KeyRegistry, ConcurrentReadersDuringReplaceSmoke) {
  KeyRegistry registry;
  const std::vector<store::KeyRecord> a = {record("k_1", "acme", store::KeyKind::api_key),
                                           record("k_2", "acme", store::KeyKind::api_key)};
  const std::vector<store::KeyRecord> b = {record("k_1", "acme", store::KeyKind::api_key, 1),
                                           record("k_2", "acme", store::KeyKind::api_key, 1)};
  registry.replace(a);
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      for (std::int64_t now = 1; !done.load(); ++now) {
        const auto k1 = registry.find("k_1");
        if (!k1 || k1->customer != "acme") ++torn;
        if (registry.size() != 2) ++torn;
        // Uses are written into a table being replaced (a use racing the replace may be
        // lost: a second of "last used"; what ThreadSanitizer checks here is the race itself).
        if (!registry.use("k_2", now)) ++torn;
      }
    });
  }
  for (int i = 0; i < 2'000; ++i) registry.replace(i % 2 ? a : b);
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
}

// A key created after the last poll (`key create` while the server runs) makes the registry
// refresh from its source on first use.
struct FakeStore : KeySource {
  explicit FakeStore(KeyRegistry& registry) : registry(registry) {}
  KeyRegistry& registry;
  std::vector<store::KeyRecord> keys;
  int refreshes = 0;
  void refresh() override {
    ++refreshes;
    registry.replace(keys);
  }
};

TEST(KeyRegistry, AKeyNewerThanTheSnapshotIsLoadedOnFirstUse) {
  KeyRegistry registry;
  FakeStore store(registry);
  registry.set_source(&store, 100);
  store.keys.push_back(record("k_old", "acme", store::KeyKind::api_key, 5));
  store.keys.push_back(record("k_new", "acme", store::KeyKind::api_key));
  const auto before = registry.generation();
  EXPECT_EQ(registry.find("k_new"), std::nullopt);  // find() alone never refreshes
  const auto loaded = registry.find_or_load("k_new");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->customer, "acme");
  EXPECT_EQ(registry.find("k_old")->revoked_at, 5);  // the store's whole state, not one row
  EXPECT_TRUE(registry.find_or_load("k_new"));
  EXPECT_EQ(store.refreshes, 1);
  EXPECT_NE(registry.generation(), before);
}

TEST(KeyRegistry, RefreshesForUnknownIdsAreBounded) {
  KeyRegistry registry;
  FakeStore store(registry);
  registry.set_source(&store, 2);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(registry.find_or_load("k_forged_" + std::to_string(i)), std::nullopt);
  // The bucket holds 2; what refills while the loop runs is a tiny fraction of a second.
  EXPECT_LE(store.refreshes, 4);
  KeyRegistry none;
  FakeStore other(none);
  none.set_source(&other, 0);
  EXPECT_EQ(none.find_or_load("k_forged"), std::nullopt);
  EXPECT_EQ(other.refreshes, 0);
}

TEST(KeyRegistry, KeysOfADisabledCustomerAreRefusedAndComeBackWhenEnabled) {
  KeyRegistry registry;
  const std::vector<store::KeyRecord> keys = {record("k_1", "acme", store::KeyKind::api_key),
                                              record("k_2", "globex", store::KeyKind::api_key)};
  registry.replace(keys, {"acme"});
  Claims acme;
  acme.key_id = "k_1";
  acme.customer = "acme";
  acme.kind = TokenKind::api_key;
  auto state = registry.find("k_1");
  ASSERT_TRUE(state);
  EXPECT_EQ(credential_problem(&*state, acme, 100), AuthFailure::customer_disabled);
  Claims globex = acme;
  globex.key_id = "k_2";
  globex.customer = "globex";
  const auto other = registry.find("k_2");
  EXPECT_EQ(credential_problem(&*other, globex, 100), std::nullopt);
  registry.replace(keys);
  const auto enabled = registry.find("k_1");
  EXPECT_EQ(credential_problem(&*enabled, acme, 100), std::nullopt);
}

TEST(KeyRegistry, AUseIsRememberedAcrossReplacesUntilTheStoreHasALaterOne) {
  KeyRegistry registry;
  auto k1 = record("k_1", "acme", store::KeyKind::api_key);
  auto k2 = record("k_2", "acme", store::KeyKind::api_key);
  registry.replace({k1, k2});
  EXPECT_EQ(registry.last_used("k_1"), std::nullopt);
  EXPECT_TRUE(registry.uses().empty());
  ASSERT_TRUE(registry.use("k_1", 1000));
  registry.use("k_1", 990);  // another loop's older clock: never moves it back
  EXPECT_EQ(registry.last_used("k_1"), 1000);
  EXPECT_EQ(registry.use("k_ghost", 1000), std::nullopt);
  // A refresh keeps what the store has not heard of yet, and takes the store's when later.
  k2.last_used_at = 2000;
  registry.replace({k1, k2});
  EXPECT_EQ(registry.last_used("k_1"), 1000);
  EXPECT_EQ(registry.last_used("k_2"), 2000);
  const auto uses = registry.uses();
  ASSERT_EQ(uses.size(), 2u);
  registry.replace({k2});
  EXPECT_EQ(registry.last_used("k_1"), std::nullopt);  // deleted: gone with it
}

TEST(CredentialProblem, TheStoresExpiryAndRevocationCount) {
  Claims claims;
  claims.key_id = "k_1";
  claims.customer = "acme";
  claims.kind = TokenKind::client_token;
  KeyState state{"acme", TokenKind::client_token, std::nullopt, std::nullopt};
  EXPECT_EQ(credential_problem(&state, claims, 100), std::nullopt);
  EXPECT_EQ(credential_problem(nullptr, claims, 100), AuthFailure::unknown_key);
  state.expires_at = 100;
  EXPECT_EQ(credential_problem(&state, claims, 100), AuthFailure::expired);
  state.expires_at.reset();
  state.revoked_at = 150;
  EXPECT_EQ(credential_problem(&state, claims, 100), std::nullopt);
  EXPECT_EQ(credential_problem(&state, claims, 150), AuthFailure::revoked);
  state.customer = "beta";
  EXPECT_EQ(credential_problem(&state, claims, 100), AuthFailure::unknown_key);
}

}  // namespace
}  // namespace popflow::auth
