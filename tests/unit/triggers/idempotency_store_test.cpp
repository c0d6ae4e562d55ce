#include "triggers/idempotency_store.hpp"

#include <gtest/gtest.h>

namespace popflow::triggers {
namespace {

using namespace std::chrono_literals;
using State = IdempotencyStore::Claim::State;

TEST(IdempotencyStore, FirstClaimThenReplayOfTheStoredAnswer) {
  IdempotencyStore store(10min, 100);
  const auto now = IdempotencyStore::Clock::now();
  EXPECT_EQ(store.claim("k1", "retry-1", now).state, State::first);
  EXPECT_EQ(store.claim("k1", "retry-1", now).state, State::in_progress);
  store.complete("k1", "retry-1", R"({"status":"ok"})");
  auto replay = store.claim("k1", "retry-1", now + 1s);
  EXPECT_EQ(replay.state, State::replay);
  EXPECT_EQ(replay.answer, R"({"status":"ok"})");
}

TEST(IdempotencyStore, KeysAreScopedByApiKey) {
  IdempotencyStore store(10min, 100);
  const auto now = IdempotencyStore::Clock::now();
  store.claim("k1", "same", now);
  store.complete("k1", "same", "a");
  EXPECT_EQ(store.claim("k2", "same", now).state, State::first);
}

TEST(IdempotencyStore, ReleasedClaimsCanBeRetried) {
  IdempotencyStore store(10min, 100);
  const auto now = IdempotencyStore::Clock::now();
  store.claim("k", "x", now);
  store.release("k", "x");
  EXPECT_EQ(store.claim("k", "x", now).state, State::first);
}

TEST(IdempotencyStore, EntriesExpireAfterTheWindow) {
  IdempotencyStore store(1s, 100);
  const auto now = IdempotencyStore::Clock::now();
  store.claim("k", "x", now);
  store.complete("k", "x", "a");
  EXPECT_EQ(store.claim("k", "x", now + 2s).state, State::first);
}

TEST(IdempotencyStore, OldestAreEvictedBeyondTheBound) {
  IdempotencyStore store(10min, 2);
  const auto now = IdempotencyStore::Clock::now();
  for (const auto* key : {"a", "b", "c"}) {
    store.claim("k", key, now);
    store.complete("k", key, key);
  }
  EXPECT_EQ(store.claim("k", "a", now).state, State::first);  // evicted
  EXPECT_EQ(store.claim("k", "c", now).state, State::replay);
}

}  // namespace
}  // namespace popflow::triggers
