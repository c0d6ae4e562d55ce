#include "broker/broker.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
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

// Issue 11: one agent token made 5,000 persistent sessions, each journaling every trigger.
SessionLimits capped(std::size_t per_token, std::size_t per_customer) {
  SessionLimits limits;
  limits.max_sessions_per_token = per_token;
  limits.max_sessions_per_customer = per_customer;
  return limits;
}

TEST(BrokerCaps, ATokenHoldsAtMostItsCapOfPersistentSessions) {
  Router router;
  Broker broker(router, capped(2, 0));
  const auto token = token_identity("acme", "1001", "k_1");
  FakeLink a, b, c, d;
  ASSERT_TRUE(broker.attach("a", token, false, std::nullopt, &a).session);
  ASSERT_TRUE(broker.attach("b", token, false, 60s, &b).session);
  const auto refused = broker.attach("c", token, false, 60s, &c);
  EXPECT_FALSE(refused.session);
  ASSERT_TRUE(refused.quota_exceeded);
  EXPECT_NE(refused.quota_exceeded->find("mqtt_max_sessions_per_token"), std::string::npos);
  EXPECT_EQ(broker.session_count(), 2u);
  EXPECT_TRUE(a.kicks.empty());
  // Resuming, or replacing one by a clean start, takes no new place; nor does a session
  // that ends with its connection.
  EXPECT_TRUE(broker.attach("a", token, false, std::nullopt, &d).present);
  EXPECT_TRUE(broker.attach("b", token, true, 60s, &d).session);
  EXPECT_TRUE(broker.attach("e", token, true, 0s, &d).session);
  EXPECT_EQ(broker.persistent_sessions_of_token("k_1"), 2u);
  // Another token of the same agent has its own count.
  EXPECT_TRUE(broker.attach("f", token_identity("acme", "1001", "k_2"), false, 60s, &d).session);
}

TEST(BrokerCaps, ACustomerHoldsAtMostItsCapAcrossTokens) {
  Router router;
  Broker broker(router, capped(0, 2));
  FakeLink link;
  EXPECT_TRUE(broker.attach("a", token_identity("acme", "1", "k_1"), false, 60s, &link).session);
  EXPECT_TRUE(broker.attach("a", token_identity("acme", "2", "k_2"), false, 60s, &link).session);
  const auto refused = broker.attach("a", token_identity("acme", "3", "k_3"), false, 60s, &link);
  ASSERT_TRUE(refused.quota_exceeded);
  EXPECT_NE(refused.quota_exceeded->find("mqtt_max_sessions_per_customer"), std::string::npos);
  EXPECT_TRUE(broker.attach("a", token_identity("beta", "1", "k_b"), false, 60s, &link).session);
  EXPECT_EQ(broker.persistent_sessions_of_customer("acme"), 2u);
}

TEST(BrokerCaps, ASessionLeavingTheTableFreesItsPlace) {
  Router router;
  Broker broker(router, capped(1, 1));
  const auto token = token_identity("acme", "1001", "k_1");
  FakeLink link, other;
  auto first = broker.attach("a", token, false, 5s, &link);
  EXPECT_TRUE(broker.attach("b", token, false, 5s, &other).quota_exceeded);
  first.session->set_expiry(0s);  // DISCONNECT with Session Expiry 0: it ends with it
  broker.detach(first.session, &link, std::nullopt);
  EXPECT_EQ(broker.persistent_sessions_of_token("k_1"), 0u);
  auto second = broker.attach("b", token, false, 5s, &other);
  ASSERT_TRUE(second.session);
  broker.detach(second.session, &other, std::nullopt);
  broker.sweep(Clock::now() + 6s);  // expired
  EXPECT_EQ(broker.persistent_sessions_of_customer("acme"), 0u);
  EXPECT_TRUE(broker.attach("c", token, false, 5s, &link).session);
}

TEST(BrokerCaps, EveryExpiryIsCutToTheMaximum) {
  Router router;
  SessionLimits limits;
  limits.max_expiry = 60s;
  Broker broker(router, limits);
  FakeLink link;
  const auto forever = broker.attach("311", customer_identity("acme"), false, std::nullopt, &link);
  EXPECT_EQ(forever.session->expiry(), std::optional(60s));
  EXPECT_EQ(broker.attach("long", customer_identity("acme"), false, 3600s, &link).session->expiry(),
            std::optional(60s));
  EXPECT_EQ(broker.attach("short", customer_identity("acme"), false, 5s, &link).session->expiry(),
            std::optional(5s));
  forever.session->set_expiry(std::nullopt);  // at DISCONNECT too
  EXPECT_EQ(forever.session->expiry(), std::optional(60s));
  broker.detach(forever.session, &link, std::nullopt);
  broker.sweep(Clock::now() + 61s);
  EXPECT_EQ(broker.persistent_sessions_of_customer("acme"), 2u);  // "long" and "short" attached
}

TEST(BrokerCaps, TheSweepEndsSessionsOfRevokedOrDeletedTokens) {
  Router router;
  auth::KeyRegistry keys;
  const auto record = [](std::string id, std::optional<std::int64_t> revoked_at) {
    store::KeyRecord k;
    k.id = std::move(id);
    k.customer_id = "acme";
    k.kind = store::KeyKind::client_token;
    k.revoked_at = revoked_at;
    return k;
  };
  keys.replace(
      {record("k_1", std::nullopt), record("k_2", std::nullopt), record("k_3", std::nullopt)});
  Broker broker(router, SessionLimits{}, nullptr, &keys);
  FakeLink attached, detached, kept;
  auto revoked = broker.attach("a", token_identity("acme", "1", "k_1"), false, 60s, &attached);
  auto deleted = broker.attach("b", token_identity("acme", "2", "k_2"), false, 60s, &detached);
  broker.detach(deleted.session, &detached, std::nullopt);
  broker.attach("c", token_identity("acme", "3", "k_3"), false, 60s, &kept);
  broker.subscribe(*revoked.session, "CTI/acme/1", {{}, "CTI/acme/1", qos_options(1)});
  broker.sweep(Clock::now());
  EXPECT_EQ(broker.session_count(), 3u);

  // Revoked later (a rotation's grace) is still valid now.
  keys.replace({record("k_1", unix_now() + 3600), record("k_3", std::nullopt)});
  broker.sweep(Clock::now());
  EXPECT_EQ(broker.session_count(), 2u);  // k_2 is gone from the store
  keys.replace({record("k_1", unix_now() - 1), record("k_3", std::nullopt)});
  broker.sweep(Clock::now());
  EXPECT_EQ(broker.session_count(), 1u);
  EXPECT_EQ(attached.kicks, (std::vector<std::uint8_t>{0x87}));
  EXPECT_TRUE(kept.kicks.empty());
  EXPECT_EQ(router.subscription_count(), 0u);
  EXPECT_EQ(broker.persistent_sessions_of_customer("acme"), 1u);
}

TEST(BrokerCaps, PurgeEndsSessionsByIdAndKicksTheirConnections) {
  Router router;
  Broker broker(router, SessionLimits{});
  FakeLink link, other;
  auto a = broker.attach("a", customer_identity("acme"), false, 60s, &link);
  auto b = broker.attach("b", customer_identity("acme"), false, 60s, &other);
  broker.purge({a.session->id(), 999});
  EXPECT_EQ(broker.session_count(), 1u);
  EXPECT_EQ(link.kicks, (std::vector<std::uint8_t>{0x98}));
  EXPECT_TRUE(other.kicks.empty());
  // Its connection, still closing, cannot subscribe it back into the router.
  EXPECT_FALSE(broker.subscribe(*a.session, "CTI/acme/1", {{}, "CTI/acme/1", qos_options(1)}));
  EXPECT_EQ(router.subscription_count(), 0u);
}

}  // namespace
}  // namespace popflow::broker
