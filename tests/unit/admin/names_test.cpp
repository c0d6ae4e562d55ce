#include "admin/names.hpp"

#include <gtest/gtest.h>

namespace popflow::admin {
namespace {

TEST(Names, NamesThatCannotBeToldApartByLookingAreRefused) {
  EXPECT_FALSE(name_problem("On Ring", "name"));
  EXPECT_FALSE(name_problem("Tier 1 — Spanish", "name"));
  for (const char* bad : {"", " On Ring", "On Ring ", "On\tRing", "On\nRing"})
    EXPECT_TRUE(name_problem(bad, "name")) << '"' << bad << '"';
  EXPECT_TRUE(name_problem(std::string(kMaxNameBytes + 1, 'a'), "name"));
  EXPECT_TRUE(name_problem("\xff", "name"));
  EXPECT_EQ(name_problem("", "profile")->field, "profile");
}

TEST(Names, TopicLevelsFollowTopicRules) {
  EXPECT_FALSE(topic_level_problem("acme.crm.example.com", "crmId"));
  for (const char* bad : {"a/b", "a+b", "#", ""})
    EXPECT_TRUE(topic_level_problem(bad, "crmId")) << bad;
}

}  // namespace
}  // namespace popflow::admin
