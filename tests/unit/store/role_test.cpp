#include <gtest/gtest.h>

#include "store/repositories.hpp"

namespace popflow::store {
namespace {

TEST(Role, EveryRoleRoundTripsThroughItsName) {
  for (auto role : {Role::viewer, Role::designer, Role::admin, Role::owner})
    EXPECT_EQ(role_from(to_string(role)), role) << to_string(role);
  EXPECT_EQ(to_string(Role::designer), "designer");
}

TEST(Role, UnknownOrMiscasedNamesAreNotRoles) {
  EXPECT_EQ(role_from("Owner"), std::nullopt);
  EXPECT_EQ(role_from("root"), std::nullopt);
  EXPECT_EQ(role_from(""), std::nullopt);
}

}  // namespace
}  // namespace popflow::store
