#include "core/message_id.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace popflow {
namespace {

// RFC 9562 UUIDv7 text: version nibble 7, variant bits 10.
const std::regex kUuidV7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

std::int64_t embedded_ms(const std::string& id) {
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  return std::stoll(hex, nullptr, 16);
}

TEST(MessageId, IsUuidV7Text) {
  for (int i = 0; i < 100; ++i) {
    const auto id = next_message_id();
    EXPECT_TRUE(std::regex_match(id, kUuidV7)) << id;
  }
}

TEST(MessageId, EmbedsCurrentUnixMilliseconds) {
  using namespace std::chrono;
  const auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const auto id = next_message_id();
  const auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  // The sequence may carry into the timestamp under a burst, so allow a little slack.
  EXPECT_GE(embedded_ms(id), before);
  EXPECT_LE(embedded_ms(id), after + 1000);
}

TEST(MessageId, StrictlyIncreasingInOneThread) {
  std::string prev = next_message_id();
  for (int i = 0; i < 20'000; ++i) {  // several per millisecond: exercises the sequence
    std::string id = next_message_id();
    ASSERT_LT(prev, id);
    prev = std::move(id);
  }
}

TEST(MessageId, UniqueAndOrderedAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5'000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(next_message_id());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& list : ids) {
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1], list[i]);
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace popflow
