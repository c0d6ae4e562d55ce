#include "broker/session.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "fake_link.hpp"

namespace popflow::broker {
namespace {

SessionLimits queue_of(std::size_t max_queued) {
  SessionLimits limits;
  limits.max_queued = max_queued;
  return limits;
}

using namespace std::chrono_literals;

struct SessionTest : ::testing::Test {
  Stats stats;
  Identity customer{customer_identity("acme").claims};
  Session session{
      "acme\x1f"
      "c1",
      customer, 7, queue_of(3), stats};
  FakeLink link;
  SubscriptionOptions qos1 = qos_options(1);
};

TEST_F(SessionTest, DeliversAtTheLowerOfMessageAndSubscriptionQos) {
  session.attach(&link);
  SubscriptionOptions qos0{};
  ASSERT_TRUE(session.deliver(make_message("CTI/acme/1", 1), std::span(&qos0, 1)));
  ASSERT_TRUE(session.deliver(make_message("CTI/acme/1", 0), std::span(&qos1, 1)));
  auto out = session.take_sendable(10, Clock::now());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].qos, 0);
  EXPECT_EQ(out[1].qos, 0);
  EXPECT_EQ(link.wakes, 2);
}

TEST_F(SessionTest, OverlappingSubscriptionsGiveOneCopyAtTheHighestQos) {
  session.attach(&link);
  SubscriptionOptions both[] = {qos_options(0, 4), qos_options(2, 9)};
  ASSERT_TRUE(session.deliver(make_message("CTI/acme/x", 2), both));
  auto out = session.take_sendable(10, Clock::now());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].qos, 2);
  EXPECT_EQ(out[0].subscription_ids, (std::vector<std::uint32_t>{4, 9}));
}

TEST_F(SessionTest, OfflineQueuesQos1ButNotQos0) {
  EXPECT_TRUE(session.deliver(make_message("CTI/acme/x", 1), std::span(&qos1, 1)));
  SubscriptionOptions qos0{};
  EXPECT_FALSE(session.deliver(make_message("CTI/acme/x", 1), std::span(&qos0, 1)));
  EXPECT_EQ(stats.dropped_offline_qos0, 1u);
  EXPECT_EQ(session.queued(), 1u);
}

TEST_F(SessionTest, QueueIsBoundedAndDropsAreCounted) {
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(session.deliver(make_message("CTI/acme/x"), std::span(&qos1, 1)));
  EXPECT_FALSE(session.deliver(make_message("CTI/acme/x"), std::span(&qos1, 1)));
  EXPECT_EQ(stats.dropped_queue_full, 1u);
}

TEST_F(SessionTest, WindowLimitsMessagesInFlight) {
  session.attach(&link);
  for (int i = 0; i < 3; ++i) session.deliver(make_message("CTI/acme/x"), std::span(&qos1, 1));
  auto first = session.take_sendable(2, Clock::now());
  ASSERT_EQ(first.size(), 2u);
  EXPECT_NE(first[0].packet_id, first[1].packet_id);
  EXPECT_TRUE(session.take_sendable(2, Clock::now()).empty());
  EXPECT_TRUE(session.complete(first[0].packet_id));
  EXPECT_EQ(session.take_sendable(2, Clock::now()).size(), 1u);
}

TEST_F(SessionTest, ReattachResendsUnacknowledgedWithDupAndPubrelForReleased) {
  session.attach(&link);
  SubscriptionOptions qos2 = qos_options(2);
  session.deliver(make_message("CTI/acme/a", 1), std::span(&qos1, 1));
  session.deliver(make_message("CTI/acme/b", 2), std::span(&qos2, 1));
  auto sent = session.take_sendable(10, Clock::now());
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_TRUE(session.release(sent[1].packet_id));  // PUBREC received
  ASSERT_TRUE(session.detach(&link));
  FakeLink again;
  session.attach(&again);
  auto resent = session.take_sendable(10, Clock::now());
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_TRUE(resent[0].dup);
  EXPECT_EQ(resent[0].packet_id, sent[0].packet_id);
  EXPECT_TRUE(resent[1].release_only);
  EXPECT_EQ(resent[1].packet_id, sent[1].packet_id);
}

TEST_F(SessionTest, ExpiredMessagesAreDroppedNotSent) {
  session.attach(&link);
  auto stale = std::make_shared<Message>(*make_message("CTI/acme/x"));
  stale->expires_at = Clock::now() - 1s;
  session.deliver(stale, std::span(&qos1, 1));
  EXPECT_TRUE(session.take_sendable(10, Clock::now()).empty());
  EXPECT_EQ(stats.dropped_expired, 1u);
}

TEST_F(SessionTest, NoLocalSkipsItsOwnMessages) {
  session.attach(&link);
  SubscriptionOptions no_local = qos_options(1);
  no_local.no_local = true;
  auto own = std::make_shared<Message>(*make_message("CTI/acme/x"));
  own->origin = session.id();
  EXPECT_FALSE(session.deliver(own, std::span(&no_local, 1)));
}

TEST_F(SessionTest, DetachByAnOldLinkAfterTakeoverIsIgnored) {
  session.attach(&link);
  FakeLink newer;
  session.attach(&newer);
  EXPECT_FALSE(session.detach(&link));
  EXPECT_EQ(session.link(), &newer);
}

TEST_F(SessionTest, IncomingQos2IdsAreRememberedUntilReleased) {
  EXPECT_TRUE(session.receive_qos2(5));
  EXPECT_FALSE(session.receive_qos2(5));  // a resent PUBLISH: not published twice
  EXPECT_TRUE(session.release_qos2(5));
  EXPECT_FALSE(session.release_qos2(5));
}

TEST(AnonymousSession, NeverSeesTenantTopics) {
  Stats stats;
  Session anonymous(
      "\x1f"
      "a",
      Identity{}, 1, {}, stats);
  FakeLink link;
  anonymous.attach(&link);
  SubscriptionOptions all = qos_options(1);
  EXPECT_FALSE(anonymous.deliver(make_message("CTI/acme/1"), std::span(&all, 1)));
  EXPECT_TRUE(anonymous.deliver(make_message("chat/1"), std::span(&all, 1)));
}

// Read access is checked at every delivery, not only at SUBSCRIBE: a message outside the
// token's rights, or for a token revoked, expired or deleted since, is not delivered.
TEST(SessionAccess, EveryDeliveryIsCheckedAgainstTheToken) {
  Stats stats;
  auth::KeyRegistry keys;
  auto key = [](std::optional<std::int64_t> revoked_at, std::optional<std::int64_t> expires_at) {
    store::KeyRecord k;
    k.id = "k_1001";
    k.customer_id = "acme";
    k.kind = store::KeyKind::client_token;
    k.revoked_at = revoked_at;
    k.expires_at = expires_at;
    return std::vector<store::KeyRecord>{k};
  };
  keys.replace(key(std::nullopt, std::nullopt));
  Session session("k", token_identity("acme", "1001", "k_1001"), 1, {}, stats, nullptr, &keys);
  FakeLink link;
  session.attach(&link);
  const auto qos1 = qos_options(1);
  const auto deliver = [&](std::string topic) {
    return session.deliver(make_message(std::move(topic)), std::span(&qos1, 1));
  };
  EXPECT_TRUE(deliver("CTI/acme/1001"));
  EXPECT_TRUE(deliver("CRM/acme/crm.example.com/1001"));
  EXPECT_FALSE(deliver("CTI/acme/2002"));  // another agent's
  EXPECT_FALSE(deliver("CTI/beta/1001"));  // another customer's
  EXPECT_FALSE(deliver("lobby/1001"));
  EXPECT_EQ(stats.denied_delivery, 3u);

  keys.replace(key(unix_now() - 1, std::nullopt));  // revoked
  EXPECT_FALSE(deliver("CTI/acme/1001"));
  keys.replace(key(unix_now() + 3600, std::nullopt));  // revoked later (rotation grace)
  EXPECT_TRUE(deliver("CTI/acme/1001"));
  keys.replace(key(std::nullopt, unix_now() - 1));  // expired
  EXPECT_FALSE(deliver("CTI/acme/1001"));
  keys.replace({});  // deleted from the store
  EXPECT_FALSE(deliver("CTI/acme/1001"));
  EXPECT_EQ(stats.denied_delivery, 6u);
  EXPECT_EQ(session.queued(), 3u);
}

}  // namespace
}  // namespace popflow::broker
