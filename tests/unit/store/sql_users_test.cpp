#include "store/sql_users.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace popflow::store {
namespace {

using namespace store_testing;

using SqlUsersTest = StoreTest;

User make_user(const std::string& name, std::optional<std::string> customer, Role role) {
  return {name, std::move(customer), role, "$argon2id$v=19$hash-of-" + name, 100, std::nullopt};
}

std::vector<std::string> names(const std::vector<User>& users) {
  std::vector<std::string> out;
  for (const auto& u : users) out.push_back(u.name);
  return out;
}

AuditEntry make_entry(const std::string& customer, const std::string& target) {
  return {0, customer, 1000, "user:alice", "workflow.publish", target, "", R"({"v":1})"};
}

TEST_F(SqlUsersTest, UserKeepsEveryField) {
  auto in = make_user("alice", "acme", Role::designer);
  in.last_login_at = 200;
  users_.insert_user(in);
  const auto out = users_.user("alice");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->customer_id, "acme");
  EXPECT_EQ(out->role, Role::designer);
  EXPECT_EQ(out->password_hash, in.password_hash);
  EXPECT_EQ(out->created_at, 100);
  EXPECT_EQ(out->last_login_at, 200);
  EXPECT_FALSE(users_.user("Alice"));  // names are exact
}

TEST_F(SqlUsersTest, AnOperatorHasNoCustomer) {
  users_.insert_user(make_user("root", std::nullopt, Role::owner));
  const auto out = users_.user("root");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->customer_id, std::nullopt);
  EXPECT_EQ(out->last_login_at, std::nullopt);
}

TEST_F(SqlUsersTest, UsersOfOneCustomerOrEveryone) {
  users_.insert_user(make_user("carol", "acme", Role::viewer));
  users_.insert_user(make_user("root", std::nullopt, Role::owner));
  users_.insert_user(make_user("bob", "zeta", Role::admin));
  users_.insert_user(make_user("alice", "acme", Role::owner));
  EXPECT_EQ(names(users_.users(std::string("acme"))), (std::vector<std::string>{"alice", "carol"}));
  EXPECT_EQ(names(users_.users(std::nullopt)),
            (std::vector<std::string>{"alice", "bob", "carol", "root"}));
}

TEST_F(SqlUsersTest, ANameIsTakenOnceAcrossCustomers) {
  users_.insert_user(make_user("alice", "acme", Role::viewer));
  try {
    users_.insert_user(make_user("alice", "zeta", Role::viewer));
    ADD_FAILURE() << "inserted alice twice";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_constraint(e)) << e.what();
  }
  EXPECT_THROW(users_.insert_user(make_user("dave", "nobody", Role::viewer)), StoreError);
}

TEST_F(SqlUsersTest, UpdateAndRemoveByName) {
  users_.insert_user(make_user("alice", "acme", Role::viewer));
  auto changed = make_user("alice", "acme", Role::admin);
  changed.password_hash = "new";
  changed.last_login_at = 300;
  users_.update_user(changed);
  const auto out = users_.user("alice");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->role, Role::admin);
  EXPECT_EQ(out->password_hash, "new");
  EXPECT_EQ(out->last_login_at, 300);
  EXPECT_THROW(users_.update_user(make_user("nobody", "acme", Role::viewer)), StoreError);
  EXPECT_TRUE(users_.remove_user("alice"));
  EXPECT_FALSE(users_.remove_user("alice"));
  EXPECT_FALSE(users_.user("alice"));
}

using SqlAuditTest = StoreTest;

TEST_F(SqlAuditTest, AppendKeepsEveryFieldWithIncreasingIds) {
  auto entry = make_entry("acme", "workflow:wf_1");
  entry.before = R"({"v":0})";
  const auto first = audit_.append(entry);
  const auto second = audit_.append(make_entry("acme", "workflow:wf_1"));
  EXPECT_GT(second, first);
  const auto all = audit_.entries({});
  ASSERT_EQ(all.size(), 2u);
  const auto& e = all[1];
  EXPECT_EQ(e.id, first);
  EXPECT_EQ(e.customer_id, "acme");
  EXPECT_EQ(e.at, 1000);
  EXPECT_EQ(e.actor, "user:alice");
  EXPECT_EQ(e.action, "workflow.publish");
  EXPECT_EQ(e.target, "workflow:wf_1");
  EXPECT_EQ(e.before, R"({"v":0})");
  EXPECT_EQ(e.after, R"({"v":1})");
}

TEST_F(SqlAuditTest, EntriesAreNewestFirstAndPageWithBeforeId) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(audit_.append(make_entry("acme", "t")));
  AuditQuery query;
  query.limit = 2;
  auto page = audit_.entries(query);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[4]);
  EXPECT_EQ(page[1].id, ids[3]);
  query.before_id = page.back().id;
  page = audit_.entries(query);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[2]);
  EXPECT_EQ(page[1].id, ids[1]);
  query.before_id = page.back().id;
  page = audit_.entries(query);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, ids[0]);
}

TEST_F(SqlAuditTest, EntriesFilterByCustomerAndTarget) {
  const auto a1 = audit_.append(make_entry("acme", "workflow:wf_1"));
  const auto z1 = audit_.append(make_entry("zeta", "workflow:wf_1"));
  const auto a2 = audit_.append(make_entry("acme", "key:k_1"));
  const auto op = audit_.append(make_entry("", "user:bob"));
  auto ids = [&](const AuditQuery& q) {
    std::vector<std::int64_t> out;
    for (const auto& e : audit_.entries(q)) out.push_back(e.id);
    return out;
  };
  AuditQuery q;
  EXPECT_EQ(ids(q), (std::vector<std::int64_t>{op, a2, z1, a1}));
  q.customer_id = "acme";
  EXPECT_EQ(ids(q), (std::vector<std::int64_t>{a2, a1}));
  q.target = "workflow:wf_1";
  EXPECT_EQ(ids(q), (std::vector<std::int64_t>{a1}));
  q.customer_id.reset();
  EXPECT_EQ(ids(q), (std::vector<std::int64_t>{z1, a1}));
  q.target = "workflow:wf_";  // exact, not a prefix
  EXPECT_TRUE(ids(q).empty());
  q = {};
  q.customer_id = "";  // installation-wide entries
  EXPECT_EQ(ids(q), (std::vector<std::int64_t>{op}));
}

}  // namespace
}  // namespace popflow::store
