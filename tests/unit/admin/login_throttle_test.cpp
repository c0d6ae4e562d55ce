#include "admin/login_throttle.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace popflow::admin {
namespace {

using namespace std::chrono_literals;
using Clock = LoginThrottle::Clock;

void fail(LoginThrottle& throttle, int times, std::string_view user, std::string_view address,
          Clock::time_point at) {
  for (int i = 0; i < times; ++i) throttle.failed(user, address, at);
}

TEST(LoginThrottle, FiveFreeFailuresThenADelay) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(throttle.check("alice", "10.0.0.1", t0)) << i;
    throttle.failed("alice", "10.0.0.1", t0);
  }
  EXPECT_EQ(throttle.check("alice", "10.0.0.1", t0), 1s);
  EXPECT_EQ(throttle.check("alice", "10.0.0.1", t0 + 500ms), 1s);  // rounded up
  EXPECT_FALSE(throttle.check("alice", "10.0.0.1", t0 + 1s));
}

TEST(LoginThrottle, EachFurtherFailureDoublesTheDelay) {
  LoginThrottle throttle;
  auto at = Clock::now();
  fail(throttle, 5, "alice", "10.0.0.1", at);
  for (auto expected : {1s, 2s, 4s, 8s, 16s}) {
    EXPECT_EQ(throttle.check("alice", "10.0.0.1", at), expected);
    at += expected;
    ASSERT_FALSE(throttle.check("alice", "10.0.0.1", at));
    throttle.failed("alice", "10.0.0.1", at);
  }
}

TEST(LoginThrottle, DelayIsCappedAtFifteenMinutes) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  fail(throttle, 200, "alice", "10.0.0.1", t0);  // far past any doubling that would overflow
  EXPECT_EQ(throttle.check("alice", "10.0.0.1", t0), std::chrono::seconds(15min));
  EXPECT_FALSE(throttle.check("alice", "10.0.0.1", t0 + 15min));
}

TEST(LoginThrottle, SuccessClearsTheUsersCount) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  fail(throttle, 4, "alice", "10.0.0.1", t0);
  throttle.succeeded("alice", "10.0.0.1");
  fail(throttle, 4, "alice", "10.0.0.2", t0);
  // Four after the success, not eight: alice is free from an address that has no count.
  EXPECT_FALSE(throttle.check("alice", "10.0.0.3", t0));
  throttle.failed("alice", "10.0.0.2", t0);
  EXPECT_TRUE(throttle.check("alice", "10.0.0.3", t0));
}

TEST(LoginThrottle, CountIsForgottenWhenTheWindowPasses) {
  LoginThrottle throttle({.window = 1h});
  const auto t0 = Clock::now();
  fail(throttle, 5, "alice", "10.0.0.1", t0);
  ASSERT_TRUE(throttle.check("alice", "10.0.0.1", t0));
  throttle.failed("alice", "10.0.0.1", t0 + 1h);
  EXPECT_FALSE(throttle.check("alice", "10.0.0.1", t0 + 1h));  // one failure, a fresh count
}

TEST(LoginThrottle, AddressesAreCountedApartFromUsers) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  // One address guessing at many names is held...
  for (int i = 0; i < 5; ++i) throttle.failed("user" + std::to_string(i), "10.0.0.66", t0);
  EXPECT_TRUE(throttle.check("someone-else", "10.0.0.66", t0));
  // ...while those names sign in freely from elsewhere.
  EXPECT_FALSE(throttle.check("user0", "10.0.0.1", t0));
  // And a success does not clear the address's count.
  throttle.succeeded("attacker", "10.0.0.66");
  EXPECT_TRUE(throttle.check("user9", "10.0.0.66", t0));
}

TEST(LoginThrottle, ManyAddressesGuessingOneNameHoldTheName) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) throttle.failed("alice", "10.0.0." + std::to_string(i), t0);
  EXPECT_TRUE(throttle.check("alice", "10.0.0.200", t0));
  EXPECT_FALSE(throttle.check("bob", "10.0.0.200", t0));
}

TEST(LoginThrottle, UserGetsInFromAKnownAddressWhileTheirNameIsHeld) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  throttle.succeeded("alice", "192.0.2.7");  // alice's office
  for (int i = 0; i < 50; ++i) throttle.failed("alice", "10.0.0." + std::to_string(i), t0);
  EXPECT_TRUE(throttle.check("alice", "10.0.0.200", t0));
  EXPECT_FALSE(throttle.check("alice", "192.0.2.7", t0));
}

TEST(LoginThrottle, UnknownNamesAreCountedLikeRealOnes) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  throttle.succeeded("alice", "192.0.2.7");
  for (auto name : {"alice", "nobody"})
    for (int i = 0; i < 5; ++i) throttle.failed(name, "10.0.1." + std::to_string(i), t0);
  EXPECT_EQ(throttle.check("alice", "10.0.2.1", t0), throttle.check("nobody", "10.0.2.1", t0));
}

TEST(LoginThrottle, MemoryIsBounded) {
  LoginThrottle throttle({.max_keys = 100});
  const auto t0 = Clock::now();
  for (int i = 0; i < 10'000; ++i) {
    const auto n = std::to_string(i);
    throttle.failed("user" + n, "address" + n, t0);
    throttle.succeeded("user" + n, "address" + n);
  }
  EXPECT_LE(throttle.tracked(), 300u);
  // The most recent entries are the ones kept.
  fail(throttle, 4, "user9999", "address9999", t0);
  EXPECT_TRUE(throttle.check("other", "address9999", t0));
}

TEST(LoginThrottle, WorkersShareTheCounts) {
  LoginThrottle throttle;
  const auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < 250; ++i) {
        (void)throttle.check("alice", "10.0.0." + std::to_string(w), t0);
        throttle.failed("alice", "10.0.0." + std::to_string(w), t0);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  // 1000 failures, none lost: far past the cap.
  EXPECT_EQ(throttle.check("alice", "10.0.1.1", t0), std::chrono::seconds(15min));
}

}  // namespace
}  // namespace popflow::admin
