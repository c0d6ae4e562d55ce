#include "net/load_shedder.hpp"

#include <gtest/gtest.h>

namespace popflow::net {
namespace {

using namespace std::chrono_literals;

TEST(LoadShedder, ShedsAboveTheThresholdAndRecoversBelowHalfOfIt) {
  LoadShedder shedder(200ms);
  shedder.observe(1ms);
  EXPECT_FALSE(shedder.shedding());
  shedder.observe(250ms);
  EXPECT_TRUE(shedder.shedding());
  shedder.observe(150ms);  // better, but not enough: no flapping at the limit
  EXPECT_TRUE(shedder.shedding());
  shedder.observe(90ms);
  EXPECT_FALSE(shedder.shedding());
}

TEST(LoadShedder, ZeroThresholdNeverSheds) {
  LoadShedder shedder(0ms);
  shedder.observe(10s);
  EXPECT_FALSE(shedder.shedding());
}

}  // namespace
}  // namespace popflow::net
