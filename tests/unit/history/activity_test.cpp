#include "history/activity.hpp"

#include <gtest/gtest.h>

#include "history/trigger_history.hpp"

namespace popflow::history {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kStart = 1'800'000'000'000;  // a whole minute, ms since the epoch

TEST(Activity, CountsEachMinuteAndReturnsTheLastHourOldestFirst) {
  Activity activity;
  activity.add_trigger(kStart);
  activity.add_trigger(kStart + 59'999);
  activity.add_delivered(kStart + 10);
  activity.add_trigger(kStart + kMinute);
  for (const auto* outcome : {"executed", "failed", "no_publication", "profile_mismatch", "stale"})
    activity.add_run(kStart + kMinute, outcome);
  const auto hour = activity.last_hour(kStart + kMinute + 5);
  ASSERT_EQ(hour.size(), Activity::kMinutes);
  EXPECT_EQ(hour.back().minute * kMinute, kStart + kMinute);
  EXPECT_EQ(hour.back().triggers, 1u);
  EXPECT_EQ(hour.back().executed, 1u);
  EXPECT_EQ(hour.back().failed, 1u);
  EXPECT_EQ(hour.back().unresolved, 2u);
  EXPECT_EQ(hour.back().skipped, 1u);
  const auto& first = hour[Activity::kMinutes - 2];
  EXPECT_EQ(first.minute * kMinute, kStart);
  EXPECT_EQ(first.triggers, 2u);
  EXPECT_EQ(first.delivered, 1u);
  EXPECT_EQ(hour.front().triggers, 0u) << "a minute with nothing is zeros";
}

TEST(Activity, AMinuteAnHourLaterReusesTheBucketAndALateCountForAnOlderOneIsDropped) {
  Activity activity;
  activity.add_trigger(kStart);
  activity.add_trigger(kStart + 60 * kMinute);  // the same bucket, an hour on
  activity.add_trigger(kStart + 5);             // late, for the minute the bucket no longer holds
  const auto hour = activity.last_hour(kStart + 60 * kMinute);
  EXPECT_EQ(hour.back().triggers, 1u);
  std::uint32_t total = 0;
  for (const auto& minute : hour) total += minute.triggers;
  EXPECT_EQ(total, 1u) << "the hour-old counts are gone, not mixed into the new minute";
}

TEST(Activity, TheHistoryCountsEachCustomerApart) {
  TriggerHistory history;
  TriggerRecord acme;
  acme.id = "t1";
  acme.customer = "acme";
  acme.channel = "CTI";
  acme.agent_id = "1001";
  acme.event = "On Ring";
  acme.received_at_ms = kStart;
  history.record(acme, kStart);
  history.add_deliveries("t1", std::vector<DeliveryNote>{{"mqtt", "desk", false}});
  history.add_deliveries("t1", std::vector<DeliveryNote>{{"sse", "k1", false}});
  EXPECT_EQ(history.add_run("t1", "acme",
                            history::Run{"executed", R"({"outcome":"executed"})", "k", kStart + 1}),
            TriggerHistory::RunAdded::added);
  auto globex = acme;
  globex.id = "t2";
  globex.customer = "globex";
  history.record(globex, kStart);
  const auto mine = history.activity("acme", kStart + 2).back();
  EXPECT_EQ(mine.triggers, 1u);
  EXPECT_EQ(mine.delivered, 1u) << "a trigger reaching two sessions is one delivered trigger";
  EXPECT_EQ(mine.executed, 1u);
  EXPECT_EQ(history.activity("globex", kStart + 2).back().executed, 0u);
  EXPECT_EQ(history.activity("nobody", kStart + 2).back().triggers, 0u);
}

}  // namespace
}  // namespace popflow::history
