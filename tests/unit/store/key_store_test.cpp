#include "store/key_store.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "store/customer_store.hpp"
#include "test_store.hpp"

namespace popflow::store {
namespace {

using testing_support::TestStore;

class KeyStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    CustomerStore customers(db_);
    customers.add({"acme", "", 1});
    customers.add({"globex", "", 1});
  }

  static KeyRecord api_key(std::string id, std::string customer, std::int64_t created_at) {
    KeyRecord k;
    k.id = std::move(id);
    k.customer_id = std::move(customer);
    k.kind = KeyKind::api_key;
    k.scope = {"cti", "crm"};
    k.created_at = created_at;
    return k;
  }

  TestStore place_;
  Database db_ = place_.open();
  KeyStore keys_{db_};
};

TEST_F(KeyStoreTest, InsertThenFindRoundTripsEveryField) {
  KeyRecord k;
  k.id = "k_1";
  k.customer_id = "acme";
  k.kind = KeyKind::api_key;
  k.scope = {"crm"};
  k.crm_ids = {"crm.example.com", "crm2.example.com"};
  k.label = "zendesk button";
  k.created_at = 1'700'000'000;
  k.expires_at = 1'800'000'000;
  keys_.insert(k);

  const auto found = keys_.find("k_1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "k_1");
  EXPECT_EQ(found->customer_id, "acme");
  EXPECT_EQ(found->kind, KeyKind::api_key);
  EXPECT_EQ(found->scope, std::vector<std::string>{"crm"});
  EXPECT_EQ(found->crm_ids, (std::vector<std::string>{"crm.example.com", "crm2.example.com"}));
  EXPECT_EQ(found->agent_id, std::nullopt);
  EXPECT_EQ(found->label, "zendesk button");
  EXPECT_EQ(found->created_at, 1'700'000'000);
  EXPECT_EQ(found->expires_at, 1'800'000'000);
  EXPECT_EQ(found->revoked_at, std::nullopt);
}

TEST_F(KeyStoreTest, ClientTokenKeepsKindAndAgent) {
  KeyRecord k;
  k.id = "k_2";
  k.customer_id = "acme";
  k.kind = KeyKind::client_token;
  k.agent_id = "1001";
  keys_.insert(k);
  const auto found = keys_.find("k_2");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kind, KeyKind::client_token);
  EXPECT_EQ(found->agent_id, "1001");
  EXPECT_TRUE(found->scope.empty());
  EXPECT_TRUE(found->crm_ids.empty());
  EXPECT_EQ(found->expires_at, std::nullopt);
}

TEST_F(KeyStoreTest, FindUnknownIsEmpty) {
  EXPECT_EQ(keys_.find("k_nope"), std::nullopt);
}

TEST_F(KeyStoreTest, UnknownCustomerIsRefused) {
  EXPECT_THROW(keys_.insert(api_key("k_1", "initech", 1)), StoreError);
}

TEST_F(KeyStoreTest, DuplicateIdIsRefused) {
  keys_.insert(api_key("k_1", "acme", 1));
  EXPECT_THROW(keys_.insert(api_key("k_1", "globex", 2)), StoreError);
  EXPECT_EQ(keys_.find("k_1")->customer_id, "acme");
}

TEST_F(KeyStoreTest, ListIsOrderedByCreationAndFiltersByCustomer) {
  keys_.insert(api_key("k_c", "acme", 30));
  keys_.insert(api_key("k_a", "globex", 10));
  keys_.insert(api_key("k_b", "acme", 20));
  std::vector<std::string> ids;
  for (const auto& k : keys_.list()) ids.push_back(k.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"k_a", "k_b", "k_c"}));
  ids.clear();
  for (const auto& k : keys_.list("acme")) ids.push_back(k.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"k_b", "k_c"}));
  EXPECT_TRUE(keys_.list("initech").empty());
}

TEST_F(KeyStoreTest, RevokeSetsRevokedAt) {
  keys_.insert(api_key("k_1", "acme", 1));
  EXPECT_TRUE(keys_.revoke("k_1", 500));
  EXPECT_EQ(keys_.find("k_1")->revoked_at, 500);
}

TEST_F(KeyStoreTest, RevokeUnknownKeyReturnsFalse) {
  EXPECT_FALSE(keys_.revoke("k_nope", 1));
}

TEST_F(KeyStoreTest, RevokeNeverPostponesAnEarlierRevocation) {
  keys_.insert(api_key("k_1", "acme", 1));
  ASSERT_TRUE(keys_.revoke("k_1", 500));  // e.g. rotation with grace
  EXPECT_TRUE(keys_.revoke("k_1", 900));
  EXPECT_EQ(keys_.find("k_1")->revoked_at, 500);
  EXPECT_TRUE(keys_.revoke("k_1", 100));  // an explicit revoke now cuts the grace short
  EXPECT_EQ(keys_.find("k_1")->revoked_at, 100);
}

TEST_F(KeyStoreTest, RevocationIsVisibleToAnotherConnection) {
  keys_.insert(api_key("k_1", "acme", 1));
  auto cli = place_.open();
  KeyStore(cli).revoke("k_1", 42);
  EXPECT_EQ(keys_.find("k_1")->revoked_at, 42);
}

TEST(KeyId, FreshIdsAreRandomAndWellFormed) {
  const std::regex shape("k_[0-9a-f]{20}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = KeyStore::new_id();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(KeyKindName, MatchesTheStoredText) {
  EXPECT_EQ(to_string(KeyKind::api_key), "api_key");
  EXPECT_EQ(to_string(KeyKind::client_token), "client_token");
}

}  // namespace
}  // namespace popflow::store
