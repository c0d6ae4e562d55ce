#include "topics/subscription_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "fake_subscriber.hpp"
#include "topics/topic.hpp"

namespace popflow {
namespace {

using testing_support::FakeSubscriber;

// Matches as (subscriber, identifier) pairs in a stable order, so a test can compare
// whole result sets including duplicates.
std::vector<std::pair<Subscriber*, std::uint32_t>> match(const SubscriptionIndex& index,
                                                         std::string_view topic) {
  std::vector<Match> out;
  index.match(topic, out);
  std::vector<std::pair<Subscriber*, std::uint32_t>> result;
  for (const auto& m : out) result.emplace_back(m.subscriber, m.options.identifier);
  std::sort(result.begin(), result.end());
  return result;
}

SubscriptionOptions id(std::uint32_t identifier) {
  SubscriptionOptions o;
  o.identifier = identifier;
  return o;
}

class SubscriptionIndexTest : public testing::Test {
 protected:
  // One subscriber per filter; returns it.
  Subscriber* sub(const std::string& filter, std::uint32_t identifier = 0) {
    auto& s = subscribers_.emplace_back();
    EXPECT_TRUE(index_.add(filter, &s, id(identifier)));
    return &s;
  }

  std::deque<FakeSubscriber> subscribers_;
  SubscriptionIndex index_;
};

using Matches = std::vector<std::pair<Subscriber*, std::uint32_t>>;

TEST_F(SubscriptionIndexTest, ExactFilterMatchesOnlyItsTopic) {
  auto* s = sub("CTI/acme/1001");
  EXPECT_EQ(match(index_, "CTI/acme/1001"), (Matches{{s, 0}}));
  EXPECT_TRUE(match(index_, "CTI/acme/1002").empty());
  EXPECT_TRUE(match(index_, "CTI/acme").empty());
  EXPECT_TRUE(match(index_, "CTI/acme/1001/x").empty());
}

TEST_F(SubscriptionIndexTest, PlusMatchesExactlyOneLevel) {
  auto* s = sub("CTI/acme/+");
  EXPECT_EQ(match(index_, "CTI/acme/1001"), (Matches{{s, 0}}));
  EXPECT_TRUE(match(index_, "CTI/acme/env1/1001").empty());
  EXPECT_TRUE(match(index_, "CTI/acme").empty());
  EXPECT_EQ(match(index_, "CTI/acme/"), (Matches{{s, 0}}));  // empty level
}

TEST_F(SubscriptionIndexTest, PlusInTheMiddle) {
  auto* s = sub("CTI/acme/+/1001");
  EXPECT_EQ(match(index_, "CTI/acme/env-1/1001"), (Matches{{s, 0}}));
  EXPECT_TRUE(match(index_, "CTI/acme/1001").empty());
  EXPECT_TRUE(match(index_, "CTI/acme/env-1/1002").empty());
}

TEST_F(SubscriptionIndexTest, HashMatchesEveryDepthIncludingParent) {
  auto* s = sub("CTI/acme/#");
  EXPECT_EQ(match(index_, "CTI/acme"), (Matches{{s, 0}}));
  EXPECT_EQ(match(index_, "CTI/acme/1001"), (Matches{{s, 0}}));
  EXPECT_EQ(match(index_, "CTI/acme/env-1/1001"), (Matches{{s, 0}}));
  EXPECT_TRUE(match(index_, "CTI").empty());
  EXPECT_TRUE(match(index_, "CTI/other/1001").empty());
}

TEST_F(SubscriptionIndexTest, LoneHashMatchesEverythingButDollarTopics) {
  auto* s = sub("#");
  EXPECT_EQ(match(index_, "a"), (Matches{{s, 0}}));
  EXPECT_EQ(match(index_, "a/b/c"), (Matches{{s, 0}}));
  EXPECT_EQ(match(index_, "/"), (Matches{{s, 0}}));
  EXPECT_TRUE(match(index_, "$SYS/broker").empty());
  EXPECT_TRUE(match(index_, "$SYS").empty());
}

TEST_F(SubscriptionIndexTest, DollarTopicsNeedALiteralFirstLevel) {
  sub("+/broker");
  sub("+/#");
  auto* literal = sub("$SYS/#");
  auto* plus = sub("$SYS/+");
  EXPECT_EQ(match(index_, "$SYS/broker"), (Matches{{literal, 0}, {plus, 0}}));
}

TEST_F(SubscriptionIndexTest, EmptyLevelsAreDistinct) {
  auto* ab = sub("a//b");
  auto* lead = sub("/finance");
  EXPECT_EQ(match(index_, "a//b"), (Matches{{ab, 0}}));
  EXPECT_TRUE(match(index_, "a/b").empty());
  EXPECT_EQ(match(index_, "/finance"), (Matches{{lead, 0}}));
  EXPECT_TRUE(match(index_, "finance").empty());
}

TEST_F(SubscriptionIndexTest, OverlappingFiltersEachReportAMatch) {
  FakeSubscriber s;
  index_.add("CTI/acme/1001", &s, id(1));
  index_.add("CTI/acme/+", &s, id(2));
  index_.add("CTI/#", &s, id(3));
  index_.add("CTI/acme/+/1001", &s, id(4));  // does not match a 3-level topic
  EXPECT_EQ(match(index_, "CTI/acme/1001"), (Matches{{&s, 1}, {&s, 2}, {&s, 3}}));
}

TEST_F(SubscriptionIndexTest, AddingTheSameSubscriptionReplacesOptions) {
  FakeSubscriber s;
  EXPECT_TRUE(index_.add("a/+", &s, id(1)));
  EXPECT_FALSE(index_.add("a/+", &s, id(2)));
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_EQ(match(index_, "a/b"), (Matches{{&s, 2}}));
}

TEST_F(SubscriptionIndexTest, RemoveStopsMatchingAndReportsExistence) {
  FakeSubscriber s, other;
  index_.add("a/+/c", &s, id(1));
  index_.add("a/+/c", &other, id(2));
  EXPECT_FALSE(index_.remove("a/+/d", &s));       // no such filter
  EXPECT_FALSE(index_.remove("a/+", &s));         // a prefix is not the filter
  EXPECT_FALSE(index_.remove("a/+/c", &s, "g"));  // not in a group
  EXPECT_TRUE(index_.remove("a/+/c", &s));
  EXPECT_FALSE(index_.remove("a/+/c", &s));  // already gone
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_EQ(match(index_, "a/b/c"), (Matches{{&other, 2}}));
  EXPECT_TRUE(index_.remove("a/+/c", &other));
  EXPECT_EQ(index_.size(), 0u);
  EXPECT_TRUE(match(index_, "a/b/c").empty());
}

TEST_F(SubscriptionIndexTest, RemovingAChildKeepsItsParentSubscription) {
  FakeSubscriber parent, child;
  index_.add("a", &parent, id(1));
  index_.add("a/b/c", &child, id(2));
  EXPECT_TRUE(index_.remove("a/b/c", &child));
  EXPECT_EQ(match(index_, "a"), (Matches{{&parent, 1}}));
  EXPECT_TRUE(index_.add("a/b/c", &child, id(3)));  // the pruned path is rebuilt
  EXPECT_EQ(match(index_, "a/b/c"), (Matches{{&child, 3}}));
}

TEST_F(SubscriptionIndexTest, SharedGroupDeliversToOneMemberInTurn) {
  FakeSubscriber a, b, c;
  index_.add("jobs/+", &a, id(1), "workers");
  index_.add("jobs/+", &b, id(2), "workers");
  index_.add("jobs/+", &c, id(3), "workers");
  std::map<Subscriber*, int> turns;
  for (int i = 0; i < 30; ++i) {
    const auto m = match(index_, "jobs/x");
    ASSERT_EQ(m.size(), 1u);
    ++turns[m[0].first];
  }
  EXPECT_EQ(turns[&a], 10);
  EXPECT_EQ(turns[&b], 10);
  EXPECT_EQ(turns[&c], 10);
}

TEST_F(SubscriptionIndexTest, EachSharedGroupAndPlainSubscriberGetsItsOwnCopy) {
  FakeSubscriber g1a, g1b, g2, plain;
  index_.add("jobs/#", &g1a, id(1), "one");
  index_.add("jobs/#", &g1b, id(1), "one");
  index_.add("jobs/#", &g2, id(2), "two");
  index_.add("jobs/#", &plain, id(3));
  const auto m = match(index_, "jobs/x/y");
  ASSERT_EQ(m.size(), 3u);
  const auto has = [&](Subscriber* s) {
    return std::any_of(m.begin(), m.end(), [&](const auto& p) { return p.first == s; });
  };
  EXPECT_TRUE(has(&g1a) != has(&g1b));  // exactly one of group "one"
  EXPECT_TRUE(has(&g2));
  EXPECT_TRUE(has(&plain));
}

TEST_F(SubscriptionIndexTest, LeavingASharedGroup) {
  FakeSubscriber a, b;
  index_.add("jobs/+", &a, id(1), "workers");
  index_.add("jobs/+", &b, id(2), "workers");
  EXPECT_EQ(index_.size(), 2u);
  EXPECT_FALSE(index_.remove("jobs/+", &a));            // not a plain subscription
  EXPECT_FALSE(index_.remove("jobs/+", &a, "others"));  // no such group
  EXPECT_TRUE(index_.remove("jobs/+", &a, "workers"));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(match(index_, "jobs/x"), (Matches{{&b, 2}}));
  EXPECT_TRUE(index_.remove("jobs/+", &b, "workers"));
  EXPECT_TRUE(match(index_, "jobs/x").empty());
  EXPECT_EQ(index_.size(), 0u);
}

// The trie must agree with the straightforward matcher on every filter/topic pair,
// reporting each matching subscription exactly once.
TEST_F(SubscriptionIndexTest, AgreesWithTopicMatches) {
  const std::vector<std::string> filters = {
      "#",     "+",       "+/+",    "+/#",    "a",  "a/#",  "a/+",     "a/b",
      "a/b/#", "a/+/c",   "a/+/#",  "+/b/+",  "/",  "/+",   "/#",      "+/",
      "a//b",  "a/+/+/+", "$SYS/#", "$SYS/+", "$x", "+/$x", "a/b/c/d", "#"};
  const std::vector<std::string> topics = {
      "a",    "b",     "a/b",  "a/c",    "a/b/c", "a/b/c/d", "a/x/c", "/",  "/a",   "a/",
      "a//b", "x/b/y", "$SYS", "$SYS/a", "$x",    "q/$x",    "a//",   "//", "a/b/", "$SYS/a/b"};
  std::vector<Subscriber*> owners;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    ASSERT_TRUE(is_valid_topic_filter(filters[i])) << filters[i];
    owners.push_back(sub(filters[i], static_cast<std::uint32_t>(i)));
  }
  for (const auto& topic : topics) {
    ASSERT_TRUE(is_valid_topic_name(topic)) << topic;
    Matches expected;
    for (std::size_t i = 0; i < filters.size(); ++i) {
      if (topic_matches(filters[i], topic))
        expected.emplace_back(owners[i], static_cast<std::uint32_t>(i));
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(match(index_, topic), expected) << "topic '" << topic << "'";
  }
}

}  // namespace
}  // namespace popflow
