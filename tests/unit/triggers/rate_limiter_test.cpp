#include "triggers/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace popflow::triggers {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsTheBurstThenRefusesWithTheWait) {
  RateLimiter limiter(10, 3);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.acquire("k", t0));
  auto wait = limiter.acquire("k", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 100ms);  // one token every 1/10 s
}

TEST(RateLimiter, RefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter(10, 3);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(limiter.acquire("k", t0));
  EXPECT_FALSE(limiter.acquire("k", t0 + 100ms));
  EXPECT_TRUE(limiter.acquire("k", t0 + 100ms));
  // A long pause refills only up to the burst.
  const auto later = t0 + 10s;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.acquire("k", later));
  EXPECT_TRUE(limiter.acquire("k", later));
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1);
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_FALSE(limiter.acquire("a", t0));
  EXPECT_TRUE(limiter.acquire("a", t0));
  EXPECT_FALSE(limiter.acquire("b", t0));
}

TEST(RateLimiter, ZeroRateMeansUnlimited) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 10'000; ++i) ASSERT_FALSE(limiter.acquire("k"));
}

}  // namespace
}  // namespace popflow::triggers
