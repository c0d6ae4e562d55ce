#include "history/trigger_history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace popflow::history {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'800'000'000'000;  // ms since the epoch

TriggerRecord trigger(std::string id, std::int64_t at_ms, std::string customer = "acme",
                      std::string agent = "1001", std::string event = "On Ring") {
  TriggerRecord record;
  record.id = std::move(id);
  record.customer = std::move(customer);
  record.channel = "CTI";
  record.agent_id = std::move(agent);
  record.event = std::move(event);
  record.received_at_ms = at_ms;
  return record;
}

Run run(std::string outcome = "executed") {
  return Run{outcome, R"({"outcome":")" + outcome + R"("})", "key-1", kStart};
}

HistoryLimits limits(std::size_t max_entries, std::chrono::milliseconds max_age = 24h,
                     std::size_t max_runs = 20) {
  HistoryLimits out;
  out.max_entries = max_entries;
  out.max_age = max_age;
  out.max_runs = max_runs;
  return out;
}

HistoryQuery query(std::string customer, std::optional<std::string> agent = std::nullopt,
                   std::optional<std::string> event = std::nullopt,
                   std::optional<std::int64_t> before_ms = std::nullopt, std::size_t limit = 50) {
  HistoryQuery out;
  out.customer = std::move(customer);
  out.agent = std::move(agent);
  out.event = std::move(event);
  out.before_ms = before_ms;
  out.limit = limit;
  return out;
}

std::vector<std::string> ids(const std::vector<TriggerRecord>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.id);
  return out;
}

TEST(TriggerHistory, KeepsOnlyTheNewestMaxEntries) {
  TriggerHistory history(limits(3));
  for (int i = 1; i <= 5; ++i)
    history.record(trigger("t" + std::to_string(i), kStart + i), kStart + i);
  EXPECT_EQ(history.size(), 3u);
  EXPECT_FALSE(history.find("t1", "acme"));
  EXPECT_FALSE(history.find("t2", "acme"));
  EXPECT_TRUE(history.find("t3", "acme"));
  EXPECT_TRUE(history.find("t5", "acme"));
}

TEST(TriggerHistory, ForgetsTriggersOlderThanMaxAge) {
  TriggerHistory history(limits(100, 1000ms));
  history.record(trigger("old", kStart), kStart);
  history.record(trigger("new", kStart + 600), kStart + 600);
  history.expire(kStart + 999);
  EXPECT_TRUE(history.find("old", "acme"));
  history.expire(kStart + 1001);
  EXPECT_FALSE(history.find("old", "acme"));
  EXPECT_TRUE(history.find("new", "acme"));
  // record() expires too, without waiting for the sweep.
  history.record(trigger("newest", kStart + 1700), kStart + 1700);
  EXPECT_FALSE(history.find("new", "acme"));
  EXPECT_EQ(history.size(), 1u);
}

TEST(TriggerHistory, AnotherCustomersTriggerIsUnknown) {
  TriggerHistory history;
  history.record(trigger("t1", kStart, "acme"), kStart);
  ASSERT_TRUE(history.find("t1", "acme"));
  EXPECT_EQ(history.find("t1", "acme")->agent_id, "1001");
  EXPECT_FALSE(history.find("t1", "globex"));
  EXPECT_FALSE(history.find("t2", "acme"));
  EXPECT_EQ(history.add_run("t1", "globex", run()), TriggerHistory::RunAdded::unknown);
  EXPECT_TRUE(history.find("t1", "acme")->runs.empty());
}

TEST(TriggerHistory, RecentIsNewestFirstAndFiltersByCustomerAgentAndEvent) {
  TriggerHistory history;
  history.record(trigger("a1", kStart + 1, "acme", "1001", "On Ring"), kStart + 1);
  history.record(trigger("g1", kStart + 2, "globex", "1001", "On Ring"), kStart + 2);
  history.record(trigger("a2", kStart + 3, "acme", "1002", "On Ring"), kStart + 3);
  history.record(trigger("a3", kStart + 4, "acme", "1001", "On End"), kStart + 4);
  EXPECT_EQ(ids(history.recent(query("acme"))), (std::vector<std::string>{"a3", "a2", "a1"}));
  EXPECT_EQ(ids(history.recent(query("acme", "1001"))), (std::vector<std::string>{"a3", "a1"}));
  EXPECT_EQ(ids(history.recent(query("acme", std::nullopt, "On Ring"))),
            (std::vector<std::string>{"a2", "a1"}));
  EXPECT_EQ(ids(history.recent(query("acme", "1001", "on ring"))),
            std::vector<std::string>{});  // event names are exact
  EXPECT_EQ(ids(history.recent(query("globex"))), std::vector<std::string>{"g1"});
}

TEST(TriggerHistory, RecentPagesWithBeforeAndLimit) {
  TriggerHistory history;
  for (int i = 1; i <= 5; ++i)
    history.record(trigger("t" + std::to_string(i), kStart + i), kStart + i);
  const auto first = history.recent(query("acme", std::nullopt, std::nullopt, std::nullopt, 2));
  EXPECT_EQ(ids(first), (std::vector<std::string>{"t5", "t4"}));
  const auto second =
      history.recent(query("acme", std::nullopt, std::nullopt, first.back().received_at_ms, 2));
  EXPECT_EQ(ids(second), (std::vector<std::string>{"t3", "t2"}));
  const auto last =
      history.recent(query("acme", std::nullopt, std::nullopt, second.back().received_at_ms, 2));
  EXPECT_EQ(ids(last), std::vector<std::string>{"t1"});
}

TEST(TriggerHistory, RecentWithinATimeRange) {
  TriggerHistory history;
  for (int i = 1; i <= 5; ++i)
    history.record(trigger("t" + std::to_string(i), kStart + i * 1000), kStart + i * 1000);
  auto range = query("acme", std::nullopt, std::nullopt, kStart + 4000);
  range.since_ms = kStart + 2000;
  EXPECT_EQ(ids(history.recent(range)), (std::vector<std::string>{"t3", "t2"}));
  range.since_ms = kStart + 4000;
  EXPECT_TRUE(history.recent(range).empty());
}

TEST(TriggerHistory, AddRunKeepsRunsInOrderUpToMaxRuns) {
  TriggerHistory history(limits(100, 24h, 2));
  history.record(trigger("t1", kStart), kStart);
  EXPECT_EQ(history.add_run("t1", "acme", run("executed")), TriggerHistory::RunAdded::added);
  EXPECT_EQ(history.add_run("t1", "acme", run("duplicate")), TriggerHistory::RunAdded::added);
  EXPECT_EQ(history.add_run("t1", "acme", run("failed")), TriggerHistory::RunAdded::full);
  const auto record = history.find("t1", "acme");
  ASSERT_EQ(record->runs.size(), 2u);
  EXPECT_EQ(record->runs[0].outcome, "executed");
  EXPECT_EQ(record->runs[1].outcome, "duplicate");
  EXPECT_EQ(history.add_run("nope", "acme", run()), TriggerHistory::RunAdded::unknown);
}

TEST(TriggerHistory, EveryWaiterIsWokenOnceWithTheFirstRun) {
  TriggerHistory history;
  history.record(trigger("t1", kStart), kStart);
  history.record(trigger("t2", kStart + 1), kStart + 1);
  std::vector<std::string> woken;
  EXPECT_NE(history.wait_for_run("t1", "acme",
                                 [&](const history::Run& r) { woken.push_back("a:" + r.outcome); }),
            0u);
  EXPECT_NE(history.wait_for_run("t1", "acme",
                                 [&](const history::Run& r) { woken.push_back("b:" + r.outcome); }),
            0u);
  EXPECT_NE(history.wait_for_run("t2", "acme",
                                 [&](const history::Run& r) { woken.push_back("c:" + r.outcome); }),
            0u);
  history.add_run("t1", "acme", run("executed"));
  history.add_run("t1", "acme", run("duplicate"));  // a second tab: nobody is woken again
  std::ranges::sort(woken);
  EXPECT_EQ(woken, (std::vector<std::string>{"a:executed", "b:executed"}));
  history.add_run("t2", "acme", run("failed"));
  EXPECT_EQ(woken.size(), 3u);
  EXPECT_EQ(woken.back(), "c:failed");
}

TEST(TriggerHistory, WaitingForATriggerWithARunAnswersAtOnce) {
  TriggerHistory history;
  history.record(trigger("t1", kStart), kStart);
  history.add_run("t1", "acme", run("executed"));
  history.add_run("t1", "acme", run("failed"));
  std::vector<std::string> woken;
  EXPECT_EQ(history.wait_for_run("t1", "acme",
                                 [&](const history::Run& r) { woken.push_back(r.outcome); }),
            0u);
  EXPECT_EQ(woken, std::vector<std::string>{"executed"});
}

TEST(TriggerHistory, WaitingForAnUnknownOrForeignTriggerNeverAnswers) {
  TriggerHistory history;
  history.record(trigger("t1", kStart, "globex"), kStart);
  int calls = 0;
  EXPECT_EQ(history.wait_for_run("t1", "acme", [&](const history::Run&) { ++calls; }), 0u);
  EXPECT_EQ(history.wait_for_run("t9", "acme", [&](const history::Run&) { ++calls; }), 0u);
  history.add_run("t1", "globex", run());
  EXPECT_EQ(calls, 0);
}

TEST(TriggerHistory, CancelledWaiterIsNeverCalled) {
  TriggerHistory history;
  history.record(trigger("t1", kStart), kStart);
  int cancelled = 0, kept = 0;
  const auto ticket = history.wait_for_run("t1", "acme", [&](const history::Run&) { ++cancelled; });
  history.wait_for_run("t1", "acme", [&](const history::Run&) { ++kept; });
  history.cancel(ticket);
  history.cancel(ticket);  // twice, as a timeout racing a run may
  history.cancel(12345);   // never issued
  history.add_run("t1", "acme", run());
  EXPECT_EQ(cancelled, 0);
  EXPECT_EQ(kept, 1);
}

// A waiter may report a run itself (a test's fake client) without deadlocking: it is
// called outside the lock.
TEST(TriggerHistory, WaiterIsCalledOutsideTheLock) {
  TriggerHistory history;
  history.record(trigger("t1", kStart), kStart);
  std::size_t runs_seen = 0;
  history.wait_for_run("t1", "acme", [&](const history::Run&) {
    runs_seen = history.find("t1", "acme")->runs.size();
  });
  history.add_run("t1", "acme", run());
  EXPECT_EQ(runs_seen, 1u);
}

// Every field comes back as recorded: the slot packs them into one buffer.
TEST(TriggerHistory, FindReturnsEveryFieldDeliveryAndTheTopic) {
  TriggerHistory history;
  auto record = trigger("01a2247f-3ac6-7000-b96f-7592d767c9aa", kStart, "acme", "1001", "On Ring");
  record.channel = "CRM";
  record.crm_id = "acme.crm.example.com";
  record.test = true;
  record.resolution.workflow = R"({"id":"wf-1","name":"Ring pop","version":3})";
  record.resolution.profile = "Tier 1";
  record.message = R"({"event":"On Ring"})";
  record.deliveries = {{"mqtt", "agent-1001-with-a-long-client-id", false, kStart},
                       {"sse", "key-7", true, kStart}};
  history.record(record, kStart);
  auto unresolved = trigger("t2", kStart + 1, "acme", "1002", "On ring");
  unresolved.resolution.reason = "no_publication";
  unresolved.resolution.instance = "acme.crm.example.com";
  unresolved.resolution.did_you_mean = "On Ring";
  unresolved.cti_id = "pbx-2";
  history.record(unresolved, kStart + 1);

  const auto kept = history.find(record.id, "acme");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->channel, "CRM");
  EXPECT_EQ(kept->crm_id, "acme.crm.example.com");
  EXPECT_FALSE(kept->cti_id);
  EXPECT_TRUE(kept->test);
  EXPECT_EQ(kept->resolution.workflow, record.resolution.workflow);
  EXPECT_EQ(kept->resolution.profile, "Tier 1");
  EXPECT_EQ(kept->topic, "CRM/acme/acme.crm.example.com/1001");
  EXPECT_EQ(kept->message, record.message);
  ASSERT_EQ(kept->deliveries.size(), 2u);
  EXPECT_EQ(kept->deliveries[0].transport, "mqtt");
  EXPECT_EQ(kept->deliveries[0].subscriber, "agent-1001-with-a-long-client-id");
  EXPECT_FALSE(kept->deliveries[0].queued);
  EXPECT_EQ(kept->deliveries[1].subscriber, "key-7");
  EXPECT_TRUE(kept->deliveries[1].queued);

  const auto missed = history.find("t2", "acme");
  ASSERT_TRUE(missed);
  EXPECT_TRUE(missed->resolution.workflow.empty());
  EXPECT_EQ(missed->resolution.reason, "no_publication");
  EXPECT_EQ(missed->resolution.instance, "acme.crm.example.com");
  EXPECT_EQ(missed->resolution.did_you_mean, "On Ring");
  EXPECT_EQ(missed->topic, "CTI/acme/pbx-2/1002");
  EXPECT_TRUE(missed->deliveries.empty());
  // A slot reused by a trigger without deliveries keeps none of the one before.
  TriggerHistory ring(limits(1));
  ring.record(record, kStart);
  ring.record(trigger("t3", kStart + 2), kStart + 2);
  EXPECT_TRUE(ring.find("t3", "acme")->deliveries.empty());
  EXPECT_FALSE(ring.find("t3", "acme")->test);
}

// A trigger is recorded before its publish and its deliveries added after: the record is
// whole once they are, and a trigger no longer kept takes none.
TEST(TriggerHistory, AddDeliveriesAppendsToTheRecordedTrigger) {
  TriggerHistory history(limits(2));
  auto record = trigger("t1", kStart);
  record.message = R"({"event":"On Ring"})";
  record.deliveries = {{"mqtt", "agent-1001", false, kStart}};
  history.record(record, kStart);
  const std::vector<DeliveryNote> notes{{"sse", "key-7", true}, {"mqtt", "agent-1001-b", false}};
  history.add_deliveries("t1", notes);
  auto kept = history.find("t1", "acme");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->message, record.message);
  ASSERT_EQ(kept->deliveries.size(), 3u);
  EXPECT_EQ(kept->deliveries[0].subscriber, "agent-1001");
  EXPECT_EQ(kept->deliveries[1].transport, "sse");
  EXPECT_EQ(kept->deliveries[1].subscriber, "key-7");
  EXPECT_TRUE(kept->deliveries[1].queued);
  EXPECT_EQ(kept->deliveries[2].subscriber, "agent-1001-b");
  EXPECT_FALSE(kept->deliveries[2].queued);
  EXPECT_EQ(kept->deliveries[2].at_ms, kStart);

  history.record(trigger("t2", kStart + 1), kStart + 1);
  history.record(trigger("t3", kStart + 2), kStart + 2);  // t1's slot is t3's now
  history.add_deliveries("t1", notes);
  EXPECT_TRUE(history.find("t3", "acme")->deliveries.empty());
  EXPECT_FALSE(history.find("t1", "acme"));
}

TEST(TriggerHistory, LargeMessagesAreBoundedByBytesNotOnlyByCount) {
  auto bounded = limits(100);
  bounded.max_bytes = 10 * 1024;
  TriggerHistory history(bounded);
  for (int i = 0; i < 10; ++i) {
    auto record = trigger("t" + std::to_string(i), kStart + i);
    record.message = std::string(3 * 1024, 'x');  // 3 KiB each: three fit in 10 KiB
    history.record(record, kStart + i);
  }
  EXPECT_LE(history.size(), 3u);
  EXPECT_TRUE(history.find("t9", "acme"));
  EXPECT_FALSE(history.find("t0", "acme"));
  // One message over the bound on its own is still kept: the newest always is.
  auto huge = trigger("huge", kStart + 20);
  huge.message = std::string(20 * 1024, 'y');
  history.record(huge, kStart + 20);
  EXPECT_EQ(history.size(), 1u);
  EXPECT_TRUE(history.find("huge", "acme"));
}

}  // namespace

}  // namespace popflow::history
