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
  EXPECT_EQ(broker.publish(make_message("CTI/acme/1")), 1u);
}

TEST_F(BrokerTest, CleanStartDiscardsTheOldSession) {
  auto first = broker.attach("c", acme, true, std::nullopt, &link);
  broker.subscribe(*first.session, "x", record("x"));
  FakeLink second;
  auto fresh = broker.attach("c", acme, true, std::nullopt, &second);
  EXPECT_FALSE(fresh.present);
  EXPECT_NE(fresh.session, first.session);
  EXPECT_EQ(broker.publish(make_message("x")), 0u);
}

TEST_F(BrokerTest, ClientIdsOfDifferentCustomersAreDifferentSessions) {
  auto a = broker.attach("same", acme, true, std::nullopt, &link);
  FakeLink other;
  auto b = broker.attach("same", beta, true, std::nullopt, &other);
  EXPECT_NE(a.session, b.session);
  EXPECT_TRUE(link.kicks.empty());
}

TEST_F(BrokerTest, ZeroExpirySessionEndsAtDetach) {
  auto s = broker.attach("c", acme, true, 0s, &link);
  broker.subscribe(*s.session, "x", record("x"));
  broker.detach(s.session, &link, std::nullopt);
  EXPECT_EQ(broker.session_count(), 0u);
  EXPECT_EQ(broker.publish(make_message("x")), 0u);
}

TEST_F(BrokerTest, ExpiredSessionsAreSweptAndKeptOnesQueue) {
  auto s = broker.attach("c", acme, true, 10s, &link);
  broker.subscribe(*s.session, "x", record("x"));
  broker.detach(s.session, &link, std::nullopt);
  EXPECT_EQ(broker.publish(make_message("x")), 1u);  // queued offline
  broker.sweep(Clock::now() + 5s);
  EXPECT_EQ(broker.session_count(), 1u);
  broker.sweep(Clock::now() + 11s);
  EXPECT_EQ(broker.session_count(), 0u);
}

TEST_F(BrokerTest, WillIsPublishedAtOnceOrAfterItsDelayUnlessResumed) {
  FakeLink watcher_link;
  auto watcher = broker.attach("w", acme, true, std::nullopt, &watcher_link);
  broker.subscribe(*watcher.session, "wills/#", record("wills/#"));

  auto now_will = broker.attach("a", acme, true, std::nullopt, &link);
  broker.detach(now_will.session, &link, Will{make_message("wills/a"), 0s});
  EXPECT_EQ(watcher.session->queued(), 1u);

  FakeLink delayed_link;
  auto delayed = broker.attach("b", acme, true, 60s, &delayed_link);
  broker.detach(delayed.session, &delayed_link, Will{make_message("wills/b"), 5s});
  EXPECT_EQ(watcher.session->queued(), 1u);
  broker.sweep(Clock::now() + 6s);
  EXPECT_EQ(watcher.session->queued(), 2u);

  FakeLink resumed_link;
  auto resumed = broker.attach("d", acme, true, 60s, &resumed_link);
  broker.detach(resumed.session, &resumed_link, Will{make_message("wills/d"), 5s});
  broker.attach("d", acme, false, 60s, &resumed_link);  // back in time: no will
  broker.sweep(Clock::now() + 6s);
  EXPECT_EQ(watcher.session->queued(), 2u);
}

TEST_F(BrokerTest, RetainedMessagesFollowRetainHandling) {
  broker.publish(make_message("s/a", 1, true));
  auto s = broker.attach("c", acme, true, std::nullopt, &link);
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
  broker.subscribe(*s.session, "x", record("x"));
  EXPECT_TRUE(broker.unsubscribe(*s.session, "x"));
  EXPECT_FALSE(broker.unsubscribe(*s.session, "x"));
  EXPECT_EQ(broker.publish(make_message("x")), 0u);
}

}  // namespace
}  // namespace popflow::broker
