#include "broker/broker.hpp"

#include <gtest/gtest.h>

#include "fake_link.hpp"

namespace popflow::broker {
namespace {

using namespace std::chrono_literals;

struct BrokerTest : ::testing::Test {
  Router router;
  Broker broker{router, SessionLimits{}};
  Identity acme{customer_identity("acme").claims};
  Identity beta{customer_identity("beta").claims};
  Identity anonymous{};  // plain-broker topics (wills, retained) are for anonymous clients
  FakeLink link;

  SubscriptionRecord record(std::string filter, std::uint8_t qos = 1, std::string group = {}) {
    return {std::move(group), std::move(filter), qos_options(qos)};
  }
};

TEST_F(BrokerTest, ResumesAPersistentSessionAndKicksTheOldConnection) {
  auto first = broker.attach("c", acme, true, std::nullopt, &link);
  EXPECT_FALSE(first.present);
  broker.subscribe(*first.session, "CTI/acme/1", record("CTI/acme/1"));
  FakeLink second;
  auto resumed = broker.attach("c", acme, false, std::nullopt, &second);
  EXPECT_TRUE(resumed.present);
  EXPECT_EQ(resumed.session, first.session);
  EXPECT_EQ(link.kicks, (std::vector<std::uint8_t>{0x8E}));
  EXPECT_EQ(broker.publish(make_message("CTI/acme/1")).delivered, 1u);
}

TEST_F(BrokerTest, CleanStartDiscardsTheOldSession) {
  auto first = broker.attach("c", acme, true, std::nullopt, &link);
  broker.subscribe(*first.session, "CTI/acme/x", record("CTI/acme/x"));
  FakeLink second;
  auto fresh = broker.attach("c", acme, true, std::nullopt, &second);
  EXPECT_FALSE(fresh.present);
  EXPECT_NE(fresh.session, first.session);
  EXPECT_EQ(broker.publish(make_message("CTI/acme/x")).delivered, 0u);
}

TEST_F(BrokerTest, ClientIdsOfDifferentCustomersAreDifferentSessions) {
  auto a = broker.attach("same", acme, true, std::nullopt, &link);
  FakeLink other;
  auto b = broker.attach("same", beta, true, std::nullopt, &other);
  EXPECT_NE(a.session, b.session);
  EXPECT_TRUE(link.kicks.empty());
}

// Issue 10: agent 2002's token connecting with agent 1001's client id got 1001's session and
// its queued pops. Each agent's token has its own client id namespace.
TEST_F(BrokerTest, AgentTokensNeverResumeOrTakeOverAnotherAgentsSession) {
  const auto agent_1001 = token_identity("acme", "1001", "k_1001");
  auto owner = broker.attach("agent-1001", agent_1001, false, std::nullopt, &link);
  broker.subscribe(*owner.session, "CTI/acme/1001", record("CTI/acme/1001"));
  broker.detach(owner.session, &link, std::nullopt);
  EXPECT_EQ(broker.publish(make_message("CTI/acme/1001")).delivered, 1u);  // queued for 1001

  FakeLink intruder_link;
  auto intruder = broker.attach("agent-1001", token_identity("acme", "2002", "k_2002"), false,
                                std::nullopt, &intruder_link);
  EXPECT_FALSE(intruder.present);
  EXPECT_NE(intruder.session, owner.session);
  EXPECT_EQ(intruder.session->queued(), 0u);
  FakeLink wide_link;  // a customer-wide token is another namespace too
  auto wide = broker.attach("agent-1001", acme, false, std::nullopt, &wide_link);
  EXPECT_FALSE(wide.present);
  EXPECT_NE(wide.session, owner.session);

  FakeLink back_link;  // 1001's own new token resumes it, queue and all
  auto back = broker.attach("agent-1001", token_identity("acme", "1001", "k_1001b"), false,
                            std::nullopt, &back_link);
  EXPECT_TRUE(back.present);
  EXPECT_EQ(back.session, owner.session);
  EXPECT_EQ(back.session->queued(), 1u);
  EXPECT_EQ(back.session->identity().claims->key_id, "k_1001b");
  EXPECT_TRUE(intruder_link.kicks.empty());
}

// Sessions kept by a release that scoped client ids by customer only come back in their
// agent's namespace.
TEST_F(BrokerTest, RestoredSessionsKeepTheirOwner) {
  StoredState state;
  StoredSession stored;
  stored.id = 4;
  stored.key =
      "acme\x1f"
      "agent-1001";
  stored.identity = token_identity("acme", "1001", "k_1001");
  state.sessions.push_back(stored);
  broker.restore(state);
  auto intruder = broker.attach("agent-1001", token_identity("acme", "2002", "k_2002"), false,
                                std::nullopt, &link);
  EXPECT_FALSE(intruder.present);
  FakeLink owner_link;
  auto owner = broker.attach("agent-1001", token_identity("acme", "1001", "k_1001"), false,
                             std::nullopt, &owner_link);
  EXPECT_TRUE(owner.present);
  EXPECT_EQ(owner.session->id(), 4u);
}

TEST(SessionKey, NamespacesByCustomerAndAgent) {
  const auto wide = customer_identity("acme");
  const auto agent = token_identity("acme", "1001", "k");
  EXPECT_EQ(session_key(wide, "c"),
            "acme\x1f"
            "c");
  EXPECT_EQ(session_key(agent, "c"),
            "acme\x1e"
            "1001\x1f"
            "c");
  EXPECT_EQ(session_key(Identity{}, "c"),
            "\x1f"
            "c");
  EXPECT_EQ(client_id_of(session_key(agent, "c/\x1e")), "c/\x1e");
  EXPECT_EQ(client_id_of("acme\x1f"
                         "old"),
            "old");
}

TEST_F(BrokerTest, ZeroExpirySessionEndsAtDetach) {
  auto s = broker.attach("c", acme, true, 0s, &link);
  broker.subscribe(*s.session, "CTI/acme/x", record("CTI/acme/x"));
  broker.detach(s.session, &link, std::nullopt);
  EXPECT_EQ(broker.session_count(), 0u);
  EXPECT_EQ(broker.publish(make_message("CTI/acme/x")).delivered, 0u);
}

TEST_F(BrokerTest, ExpiredSessionsAreSweptAndKeptOnesQueue) {
  auto s = broker.attach("c", acme, true, 10s, &link);
  broker.subscribe(*s.session, "CTI/acme/x", record("CTI/acme/x"));
  broker.detach(s.session, &link, std::nullopt);
  EXPECT_EQ(broker.publish(make_message("CTI/acme/x")).delivered, 1u);  // queued offline
  broker.sweep(Clock::now() + 5s);
  EXPECT_EQ(broker.session_count(), 1u);
  broker.sweep(Clock::now() + 11s);
  EXPECT_EQ(broker.session_count(), 0u);
}

TEST_F(BrokerTest, WillIsPublishedAtOnceOrAfterItsDelayUnlessResumed) {
  FakeLink watcher_link;
  auto watcher = broker.attach("w", anonymous, true, std::nullopt, &watcher_link);
  broker.subscribe(*watcher.session, "wills/#", record("wills/#"));

  auto now_will = broker.attach("a", anonymous, true, std::nullopt, &link);
  broker.detach(now_will.session, &link, Will{make_message("wills/a"), 0s});
  EXPECT_EQ(watcher.session->queued(), 1u);

  FakeLink delayed_link;
  auto delayed = broker.attach("b", anonymous, true, 60s, &delayed_link);
  broker.detach(delayed.session, &delayed_link, Will{make_message("wills/b"), 5s});
  EXPECT_EQ(watcher.session->queued(), 1u);
  broker.sweep(Clock::now() + 6s);
  EXPECT_EQ(watcher.session->queued(), 2u);

  FakeLink resumed_link;
  auto resumed = broker.attach("d", anonymous, true, 60s, &resumed_link);
  broker.detach(resumed.session, &resumed_link, Will{make_message("wills/d"), 5s});
  broker.attach("d", anonymous, false, 60s, &resumed_link);  // back in time: no will
  broker.sweep(Clock::now() + 6s);
  EXPECT_EQ(watcher.session->queued(), 2u);
}

TEST_F(BrokerTest, RetainedMessagesFollowRetainHandling) {
  broker.publish(make_message("s/a", 1, true));
  auto s = broker.attach("c", anonymous, true, std::nullopt, &link);
  broker.subscribe(*s.session, "s/#", record("s/#"));
  EXPECT_EQ(s.session->queued(), 1u);
  auto rh1 = record("s/#");
  rh1.options.retain_handling = 1;  // only for a new subscription
  broker.subscribe(*s.session, "s/#", rh1);
  EXPECT_EQ(s.session->queued(), 1u);
  auto shared = record("s/#", 1, "g");
  broker.subscribe(*s.session, "$share/g/s/#", shared);  // never for shared subscriptions
  EXPECT_EQ(s.session->queued(), 1u);
}

TEST_F(BrokerTest, UnsubscribeStopsDelivery) {
  auto s = broker.attach("c", acme, true, std::nullopt, &link);
  broker.subscribe(*s.session, "CTI/acme/x", record("CTI/acme/x"));
  EXPECT_TRUE(broker.unsubscribe(*s.session, "CTI/acme/x"));
  EXPECT_FALSE(broker.unsubscribe(*s.session, "CTI/acme/x"));
  EXPECT_EQ(broker.publish(make_message("CTI/acme/x")).delivered, 0u);
}

}  // namespace
}  // namespace popflow::broker
