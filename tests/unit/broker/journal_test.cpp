#include "broker/journal.hpp"

#include <gtest/gtest.h>

#include <future>

#include "../store/temp_dir.hpp"
#include "broker/broker.hpp"
#include "broker/session_store.hpp"
#include "fake_link.hpp"
#include "store/database.hpp"

namespace popflow::broker {
namespace {

using namespace std::chrono_literals;

// One run of the server's broker: a router, a journal on the store, and the broker.
// `started` false: the journal thread is not running yet, so entries pile up for one batch.
struct BrokerRun {
  explicit BrokerRun(const std::string& path, bool started = true)
      : journal(path, false), broker(router, {}, &journal) {
    broker.restore(journal.load());
    if (started) journal.start();
  }
  Router router;
  Journal journal;
  Broker broker;
};

struct JournalTest : ::testing::Test {
  testing_support::TempDir dir;
  std::string path = dir.file("popflow.db");
  Identity acme{customer_identity("acme").claims};
  FakeLink link;
  SubscriptionOptions qos1 = qos_options(1);

  SubscriptionRecord record(std::string filter) { return {{}, std::move(filter), qos1}; }

  // A persistent session "agent" subscribed to CTI/acme/1001, left offline.
  void leave_offline_subscriber(BrokerRun& run, std::chrono::seconds expiry = 3600s) {
    auto attached = run.broker.attach("agent", acme, true, expiry, &link);
    run.broker.subscribe(*attached.session, "CTI/acme/1001", record("CTI/acme/1001"));
    run.broker.detach(attached.session, &link, std::nullopt);
  }
};

// Waits until everything this thread appended is committed; returns whether it was.
bool written(Journal& journal) {
  std::promise<bool> done;
  journal.when_written(Journal::appended_here(), [&](bool ok) { done.set_value(ok); });
  auto future = done.get_future();
  return future.wait_for(5s) == std::future_status::ready && future.get();
}

std::vector<std::string> payloads(const std::vector<Delivery>& deliveries) {
  std::vector<std::string> out;
  for (const auto& d : deliveries) out.push_back(d.message->payload);
  return out;
}

TEST_F(JournalTest, PersistentSessionComesBackWithItsSubscriptionAndQueue) {
  {
    BrokerRun run(path);
    leave_offline_subscriber(run);
    for (const auto* p : {"ring", "answer", "hangup"})
      run.broker.publish(make_message("CTI/acme/1001", 1, false, p));
  }
  BrokerRun again(path);
  auto resumed = again.broker.attach("agent", acme, false, 3600s, &link);
  EXPECT_TRUE(resumed.present);
  EXPECT_EQ(payloads(resumed.session->take_sendable(10, Clock::now())),
            (std::vector<std::string>{"ring", "answer", "hangup"}));
  // The subscription is back in the router too.
  EXPECT_EQ(again.broker.publish(make_message("CTI/acme/1001")).delivered, 1u);
}

TEST_F(JournalTest, InFlightMessagesComeBackWithTheirPacketIdsAsDuplicates) {
  std::uint16_t packet_id = 0;
  {
    BrokerRun run(path);
    auto attached = run.broker.attach("agent", acme, true, std::nullopt, &link);
    run.broker.subscribe(*attached.session, "CTI/acme/1001", record("CTI/acme/1001"));
    run.broker.publish(make_message("CTI/acme/1001", 1, false, "sent"));
    run.broker.publish(make_message("CTI/acme/1001", 1, false, "acked"));
    auto sent = attached.session->take_sendable(10, Clock::now());
    ASSERT_EQ(sent.size(), 2u);
    packet_id = sent[0].packet_id;
    EXPECT_TRUE(attached.session->complete(sent[1].packet_id));
  }  // no detach: as if killed while the client was connected
  BrokerRun again(path);
  auto resumed = again.broker.attach("agent", acme, false, std::nullopt, &link);
  auto out = resumed.session->take_sendable(10, Clock::now());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message->payload, "sent");
  EXPECT_EQ(out[0].packet_id, packet_id);
  EXPECT_TRUE(out[0].dup);
}

TEST_F(JournalTest, SessionsEndingWithTheirConnectionAreNotKept) {
  {
    BrokerRun run(path);
    auto attached = run.broker.attach("agent", acme, true, 0s, &link);
    run.broker.subscribe(*attached.session, "CTI/acme/1001", record("CTI/acme/1001"));
  }
  BrokerRun again(path);
  EXPECT_EQ(again.broker.session_count(), 0u);
  EXPECT_FALSE(again.broker.attach("agent", acme, false, 0s, &link).present);
}

TEST_F(JournalTest, CleanStartAndExpiryRemoveTheStoredSession) {
  {
    BrokerRun run(path);
    leave_offline_subscriber(run);
    FakeLink other;
    run.broker.attach("agent", acme, true, 0s, &other);  // clean start, not persistent
  }
  {
    BrokerRun run(path);
    EXPECT_EQ(run.broker.session_count(), 0u);
    leave_offline_subscriber(run, 1s);
    run.broker.sweep(Clock::now() + 2s);
  }
  BrokerRun again(path);
  EXPECT_EQ(again.broker.session_count(), 0u);
}

TEST_F(JournalTest, ExpiryKeepsCountingAcrossARestart) {
  {
    BrokerRun run(path);
    leave_offline_subscriber(run, 1s);
  }
  std::this_thread::sleep_for(1100ms);
  BrokerRun again(path);
  EXPECT_EQ(again.broker.session_count(), 1u);
  again.broker.sweep(Clock::now());
  EXPECT_EQ(again.broker.session_count(), 0u);
}

TEST_F(JournalTest, RetainedMessagesSurviveAndAnEmptyOneDeletes) {
  {
    BrokerRun run(path);
    run.broker.publish(make_message("status/a", 1, true, "on"));
    run.broker.publish(make_message("status/b", 1, true, "on"));
    run.broker.publish(make_message("status/b", 1, true, ""));
  }
  BrokerRun again(path);
  auto attached = again.broker.attach("viewer", Identity{}, true, 0s, &link);
  again.broker.subscribe(*attached.session, "status/#", record("status/#"));
  auto out = attached.session->take_sendable(10, Clock::now());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message->topic, "status/a");
  EXPECT_TRUE(out[0].retain);
}

TEST_F(JournalTest, PropertiesAndExpiryOfQueuedMessagesRoundTrip) {
  {
    BrokerRun run(path);
    leave_offline_subscriber(run);
    auto message = std::make_shared<Message>();
    message->topic = "CTI/acme/1001";
    message->payload = std::string("bin\0ary", 7);
    message->id = "m-1";
    message->qos = 1;
    message->expires_at = Clock::now() + 60s;
    auto properties = std::make_shared<MessageProperties>();
    properties->content_type = "application/json";
    properties->correlation_data = std::string("\x00\xff", 2);
    properties->user_properties = {{"case", "42"}, {"case", "43"}};
    message->properties = properties;
    run.broker.publish(message);
  }
  BrokerRun again(path);
  auto resumed = again.broker.attach("agent", acme, false, 3600s, &link);
  auto out = resumed.session->take_sendable(10, Clock::now());
  ASSERT_EQ(out.size(), 1u);
  const auto& m = *out[0].message;
  EXPECT_EQ(m.payload, std::string("bin\0ary", 7));
  EXPECT_EQ(m.id, "m-1");
  ASSERT_TRUE(m.expires_at);
  EXPECT_GT(*m.expires_at, Clock::now() + 50s);
  ASSERT_TRUE(m.properties);
  EXPECT_EQ(m.properties->content_type, "application/json");
  EXPECT_EQ(m.properties->correlation_data, std::string("\x00\xff", 2));
  EXPECT_EQ(m.properties->user_properties.size(), 2u);
}

TEST_F(JournalTest, EntriesAppendedWhileBusyShareOneCommit) {
  BrokerRun run(path, false);
  auto attached = run.broker.attach("agent", acme, true, 3600s, &link);
  run.broker.subscribe(*attached.session, "CTI/acme/1001", record("CTI/acme/1001"));
  for (int i = 0; i < 500; ++i) run.broker.publish(make_message("CTI/acme/1001"));
  run.journal.start();  // everything so far is waiting: one transaction takes it all
  run.journal.stop();
  EXPECT_EQ(run.journal.stats().commits, 1u);
  EXPECT_EQ(run.journal.stats().entries, 502u);
}

TEST_F(JournalTest, MessagesAcknowledgedBeforeTheCommitAreNeverWritten) {
  BrokerRun run(path);
  auto attached = run.broker.attach("agent", acme, true, 3600s, &link);
  ASSERT_TRUE(written(run.journal));
  const auto commits = run.journal.stats().commits;
  run.journal.stop();
  // Queued, sent and acknowledged while the journal waits: 3 entries each, one batch.
  for (int i = 0; i < 10; ++i)
    attached.session->deliver(make_message("CTI/acme/x"), std::span(&qos1, 1));
  for (const auto& delivery : attached.session->take_sendable(10, Clock::now()))
    ASSERT_TRUE(attached.session->complete(delivery.packet_id));
  run.journal.start();
  EXPECT_TRUE(written(run.journal));  // waiters are still told
  EXPECT_EQ(run.journal.stats().commits, commits);
}

TEST_F(JournalTest, AnswersWaitForTheCommitHoldingTheirEntries) {
  BrokerRun run(path);
  leave_offline_subscriber(run);
  const auto before = Journal::appended_here();
  run.broker.publish(make_message("CTI/acme/1001"));
  const auto seq = Journal::appended_here();
  ASSERT_GT(seq, before);
  EXPECT_TRUE(written(run.journal));
  EXPECT_EQ(run.journal.backlog(), 0u);
  // Already written: answered at once, on this thread.
  bool now = false;
  run.journal.when_written(seq, [&](bool ok) { now = ok; });
  EXPECT_TRUE(now);
}

TEST_F(JournalTest, AFailedCommitIsReportedToItsWaiters) {
  BrokerRun run(path);
  leave_offline_subscriber(run);
  ASSERT_TRUE(written(run.journal));
  {
    store::Database other(path);
    other.exec("DROP TABLE mqtt_queued");
  }
  run.broker.publish(make_message("CTI/acme/1001"));
  EXPECT_FALSE(written(run.journal));
  EXPECT_EQ(run.journal.stats().failures, 1u);
}

SessionFilter filter(std::optional<std::string> SessionFilter::*field, std::string value) {
  SessionFilter out;
  out.*field = std::move(value);
  return out;
}

// `session purge` (issue 11): the CLI removes a session's rows, so a later start never
// restores it, and leaves a request that a running server's journal finds and clears.
TEST_F(JournalTest, APurgedSessionIsNotRestored) {
  {
    BrokerRun run(path);
    leave_offline_subscriber(run);
    run.broker.publish(make_message("CTI/acme/1001"));
    ASSERT_TRUE(written(run.journal));
  }
  store::Database cli(path);
  const auto listed = list_sessions(cli);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].client_id, "agent");
  EXPECT_EQ(listed[0].customer, std::optional<std::string>("acme"));
  EXPECT_EQ(listed[0].expiry, std::optional<std::int64_t>(3600));
  EXPECT_TRUE(listed[0].detached_at);
  EXPECT_EQ(listed[0].queued, 1);
  EXPECT_TRUE(purge_sessions(cli, filter(&SessionFilter::customer, "beta")).empty());
  EXPECT_EQ(purge_sessions(cli, filter(&SessionFilter::client_id, "agent")).size(), 1u);
  EXPECT_TRUE(list_sessions(cli).empty());
  BrokerRun again(path);
  EXPECT_EQ(again.broker.session_count(), 0u);
}

TEST_F(JournalTest, APurgeRequestStaysUntilTheSessionsDropIsWritten) {
  SessionStore store(path, false);
  store.load();
  const auto session_saved = journal::SessionSaved{7, session_key(acme, "agent"), acme,
                                                   std::chrono::seconds(60), std::nullopt};
  store.write(std::vector<JournalEntry>{session_saved});
  EXPECT_TRUE(store.purge_requests().empty());
  store::Database cli(path);
  ASSERT_EQ(purge_sessions(cli, filter(&SessionFilter::customer, "acme")).size(), 1u);
  EXPECT_EQ(store.purge_requests(), (std::vector<std::uint64_t>{7}));
  EXPECT_TRUE(store.purge_requests().empty());  // nothing new written by anyone else
  store.write(std::vector<JournalEntry>{journal::SessionDropped{7}});
  // Another connection's write, so the table is read again: the request is gone.
  cli.exec("INSERT INTO customers (id, name, created_at) VALUES ('other', '', 1)");
  EXPECT_TRUE(store.purge_requests().empty());
}

}  // namespace
}  // namespace popflow::broker
