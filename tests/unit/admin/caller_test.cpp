#include "admin/caller.hpp"

#include <gtest/gtest.h>

namespace popflow::admin {
namespace {

using store::Role;

Caller user(Role role) {
  return {Caller::Kind::user, "alice", "acme", role, ""};
}

TEST(Caller, EachRoleMayDoWhatTheContractSaysAndNoMore) {
  struct Row {
    Role role;
    bool read, design, configure, manage_keys;
  };
  for (const auto& row :
       {Row{Role::viewer, true, false, false, false}, Row{Role::designer, true, true, false, false},
        Row{Role::admin, true, true, true, true}, Row{Role::owner, true, true, true, true}}) {
    const auto caller = user(row.role);
    EXPECT_EQ(!refusal(caller, Permission::read), row.read) << to_string(row.role);
    EXPECT_EQ(!refusal(caller, Permission::design), row.design) << to_string(row.role);
    EXPECT_EQ(!refusal(caller, Permission::configure), row.configure) << to_string(row.role);
    EXPECT_EQ(!refusal(caller, Permission::manage_keys), row.manage_keys) << to_string(row.role);
  }
}

TEST(Caller, ARefusalIs403NamingTheRoleItTakes) {
  const auto refused = refusal(user(Role::viewer), Permission::design);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->code, "role_denied");
  EXPECT_NE(refused->message.find("viewer"), std::string::npos);
  EXPECT_NE(refused->message.find("designer role or above"), std::string::npos);
}

TEST(Caller, OperatorsMayDoEverything) {
  const Caller operator_{Caller::Kind::user, "root", std::nullopt, Role::viewer, ""};
  for (auto permission :
       {Permission::read, Permission::design, Permission::configure, Permission::manage_keys})
    EXPECT_FALSE(refusal(operator_, permission));
}

TEST(Caller, TheAuditLogNamesUsersAndTokensApart) {
  EXPECT_EQ(user(Role::admin).actor(), "user:alice");
  EXPECT_EQ((Caller{Caller::Kind::token, "k_1", "acme", Role::admin, ""}.actor()), "token:k_1");
}

}  // namespace
}  // namespace popflow::admin
