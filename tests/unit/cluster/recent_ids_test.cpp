#include "cluster/recent_ids.hpp"

#include <gtest/gtest.h>

namespace popflow::cluster {
namespace {

TEST(RecentIds, SeesEachIdOnce) {
  RecentIds recent(8);
  EXPECT_TRUE(recent.first_time("a"));
  EXPECT_TRUE(recent.first_time("b"));
  EXPECT_FALSE(recent.first_time("a"));
  EXPECT_FALSE(recent.first_time("b"));
}

TEST(RecentIds, ForgetsTheOldestBeyondItsCapacity) {
  RecentIds recent(2);
  EXPECT_TRUE(recent.first_time("a"));
  EXPECT_TRUE(recent.first_time("b"));
  EXPECT_TRUE(recent.first_time("c"));  // "a" forgotten
  EXPECT_FALSE(recent.first_time("c"));
  EXPECT_TRUE(recent.first_time("a"));
}

}  // namespace
}  // namespace popflow::cluster
