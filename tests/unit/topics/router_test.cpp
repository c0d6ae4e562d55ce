#include "topics/router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_subscriber.hpp"

namespace popflow {
namespace {

using testing_support::FakeSubscriber;

MessagePtr message(std::string topic) {
  auto m = std::make_shared<Message>();
  m->topic = std::move(topic);
  m->payload = "{}";
  return m;
}

SubscriptionOptions with_id(std::uint32_t identifier, std::uint8_t qos = 0) {
  SubscriptionOptions o;
  o.identifier = identifier;
  o.qos = qos;
  return o;
}

TEST(Router, DeliversToMatchingSubscribersOnly) {
  Router router;
  FakeSubscriber agent, other;
  router.subscribe("CTI/acme/1001", &agent);
  router.subscribe("CTI/acme/1002", &other);
  EXPECT_EQ(router.publish(message("CTI/acme/1001")), 1u);
  ASSERT_EQ(agent.deliveries().size(), 1u);
  EXPECT_EQ(agent.deliveries()[0].topic, "CTI/acme/1001");
  EXPECT_EQ(other.count(), 0u);
}

TEST(Router, PublishWithNoSubscribersCountsZero) {
  Router router;
  EXPECT_EQ(router.publish(message("CTI/acme/1001")), 0u);
}

TEST(Router, OverlappingSubscriptionsDeliverOnceWithEveryMatchedOption) {
  Router router;
  FakeSubscriber s;
  router.subscribe("CTI/acme/1001", &s, with_id(1, 0));
  router.subscribe("CTI/acme/+", &s, with_id(2, 1));
  router.subscribe("CTI/#", &s, with_id(3, 2));
  router.subscribe("CRM/#", &s, with_id(4));
  EXPECT_EQ(router.publish(message("CTI/acme/1001")), 1u);
  const auto d = s.deliveries();
  ASSERT_EQ(d.size(), 1u);
  std::vector<std::uint32_t> ids;
  for (const auto& o : d[0].matched) ids.push_back(o.identifier);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(Router, CountsSubscribersNotSubscriptions) {
  Router router;
  FakeSubscriber a, b, c;
  router.subscribe("CTI/acme/1001", &a);
  router.subscribe("CTI/acme/+", &a);
  router.subscribe("CTI/acme/+", &b);
  router.subscribe("CTI/#", &c);
  EXPECT_EQ(router.publish(message("CTI/acme/1001")), 3u);
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(b.count(), 1u);
  EXPECT_EQ(c.count(), 1u);
}

TEST(Router, DroppingSubscriberIsNotCounted) {
  Router router;
  FakeSubscriber accepts, drops(/*accept=*/false);
  router.subscribe("a/+", &accepts);
  router.subscribe("a/+", &drops);
  EXPECT_EQ(router.publish(message("a/b")), 1u);
  EXPECT_EQ(drops.count(), 1u);  // it was offered the message
}

TEST(Router, UnsubscribeStopsDelivery) {
  Router router;
  FakeSubscriber s;
  EXPECT_TRUE(router.subscribe("CTI/acme/+/1001", &s));
  EXPECT_FALSE(router.subscribe("CTI/acme/+/1001", &s));  // already there
  EXPECT_EQ(router.subscription_count(), 1u);
  EXPECT_EQ(router.publish(message("CTI/acme/env-1/1001")), 1u);
  EXPECT_TRUE(router.unsubscribe("CTI/acme/+/1001", &s));
  EXPECT_FALSE(router.unsubscribe("CTI/acme/+/1001", &s));
  EXPECT_EQ(router.subscription_count(), 0u);
  EXPECT_EQ(router.publish(message("CTI/acme/env-1/1001")), 0u);
  EXPECT_EQ(s.count(), 1u);
}

TEST(Router, UnsubscribingOneOfOverlappingFiltersKeepsTheOther) {
  Router router;
  FakeSubscriber s;
  router.subscribe("a/#", &s, with_id(1));
  router.subscribe("a/b", &s, with_id(2));
  router.unsubscribe("a/#", &s);
  EXPECT_EQ(router.publish(message("a/b")), 1u);
  ASSERT_EQ(s.deliveries().size(), 1u);
  ASSERT_EQ(s.deliveries()[0].matched.size(), 1u);
  EXPECT_EQ(s.deliveries()[0].matched[0].identifier, 2u);
}

TEST(Router, SharedGroupRoundRobins) {
  Router router;
  FakeSubscriber a, b;
  router.subscribe("jobs/#", &a, {}, "workers");
  router.subscribe("jobs/#", &b, {}, "workers");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(router.publish(message("jobs/1")), 1u);
  EXPECT_EQ(a.count(), 5u);
  EXPECT_EQ(b.count(), 5u);
  EXPECT_TRUE(router.unsubscribe("jobs/#", &a, "workers"));
  for (int i = 0; i < 4; ++i) router.publish(message("jobs/1"));
  EXPECT_EQ(a.count(), 5u);
  EXPECT_EQ(b.count(), 9u);
}

// Several threads publish while another subscribes and unsubscribes. Checks only what
// must hold whatever the interleaving: no crash (run under TSan/ASan for more), and a
// subscriber present throughout sees every message exactly once.
// What the cluster backplane counts: one call per subscription added or removed, none for a
// subscription that only changed its options or was not there.
TEST(Router, TellsItsObserverOfEachSubscriptionAddedOrRemoved) {
  struct Recorder : SubscriptionObserver {
    std::vector<std::string> calls;
    void subscribed(std::string_view filter) override {
      calls.push_back("+" + std::string(filter));
    }
    void unsubscribed(std::string_view filter) override {
      calls.push_back("-" + std::string(filter));
    }
  } recorder;
  Router router;
  router.set_observer(&recorder);
  FakeSubscriber a, b;
  router.subscribe("CTI/acme/1001", &a);
  router.subscribe("CTI/acme/1001", &a, with_id(7));  // options replaced: not a new one
  router.subscribe("CTI/acme/1001", &b);
  router.subscribe("CTI/acme/#", &b, {}, "group");
  router.unsubscribe("CTI/acme/1001", &a);
  router.unsubscribe("CTI/acme/1001", &a);  // already gone
  router.unsubscribe("CTI/acme/#", &b, "group");
  router.set_observer(nullptr);
  router.unsubscribe("CTI/acme/1001", &b);
  EXPECT_EQ(recorder.calls,
            (std::vector<std::string>{"+CTI/acme/1001", "+CTI/acme/1001", "+CTI/acme/#",
                                      "-CTI/acme/1001", "-CTI/acme/#"}));
}

TEST(Router, ConcurrentPublishAndSubscribeSmoke) {
  Router router;
  FakeSubscriber steady;
  steady.stop_recording();
  router.subscribe("CTI/acme/+", &steady);

  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 2'000;
  std::atomic<bool> done{false};
  std::thread churn([&] {
    std::vector<std::unique_ptr<FakeSubscriber>> subs;
    for (int i = 0; i < 8; ++i) {
      subs.push_back(std::make_unique<FakeSubscriber>());
      subs.back()->stop_recording();
    }
    for (int round = 0; !done.load(); ++round) {
      auto* s = subs[round % subs.size()].get();
      const std::string filter = round % 2 ? "CTI/acme/#" : "CTI/+/" + std::to_string(round % 5);
      router.subscribe(filter, s);
      router.subscribe("CTI/acme/+", s, {}, "group");
      router.unsubscribe(filter, s);
      router.unsubscribe("CTI/acme/+", s, "group");
    }
  });
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&router, p] {
      for (int i = 0; i < kPerPublisher; ++i)
        router.publish(message("CTI/acme/" + std::to_string((p + i) % 5)));
    });
  }
  for (auto& t : publishers) t.join();
  done = true;
  churn.join();
  EXPECT_EQ(steady.count(), static_cast<std::size_t>(kPublishers * kPerPublisher));
  EXPECT_EQ(router.subscription_count(), 1u);
}

}  // namespace
}  // namespace popflow
