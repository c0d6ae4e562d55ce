#include "net/stream_quota.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace popflow::net {
namespace {

TEST(StreamQuota, RefusesATokenAtItsLimit) {
  StreamQuota quota;
  auto refused = StreamQuota::Limit::per_customer;
  auto first = quota.admit("tok-1", "acme", 2, 0, refused);
  auto second = quota.admit("tok-1", "acme", 2, 0, refused);
  EXPECT_TRUE(first && second);
  auto third = quota.admit("tok-1", "acme", 2, 0, refused);
  EXPECT_FALSE(third);
  EXPECT_EQ(refused, StreamQuota::Limit::per_token);
  EXPECT_TRUE(quota.admit("tok-2", "acme", 2, 0, refused)) << "another token has its own count";
}

TEST(StreamQuota, RefusesACustomerAtItsLimitAcrossTokens) {
  StreamQuota quota;
  auto refused = StreamQuota::Limit::per_token;
  auto a = quota.admit("tok-1", "acme", 0, 2, refused);
  auto b = quota.admit("tok-2", "acme", 0, 2, refused);
  auto c = quota.admit("tok-3", "acme", 0, 2, refused);
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(c);
  EXPECT_EQ(refused, StreamQuota::Limit::per_customer);
  EXPECT_TRUE(quota.admit("tok-4", "beta", 0, 2, refused)) << "another customer has its own count";
  EXPECT_EQ(quota.streams_of_token("tok-3"), 0u) << "a refused stream holds nothing";
}

TEST(StreamQuota, ATicketReleasesItsStreamWhenItEnds) {
  StreamQuota quota;
  auto refused = StreamQuota::Limit::per_token;
  {
    auto ticket = quota.admit("tok-1", "acme", 1, 1, refused);
    ASSERT_TRUE(ticket);
    EXPECT_FALSE(quota.admit("tok-1", "acme", 1, 1, refused));
    auto moved = std::move(ticket);
    EXPECT_EQ(quota.streams_of_token("tok-1"), 1u) << "a move does not release";
  }
  EXPECT_EQ(quota.streams_of_token("tok-1"), 0u);
  EXPECT_EQ(quota.streams_of_customer("acme"), 0u);
  EXPECT_TRUE(quota.admit("tok-1", "acme", 1, 1, refused));
}

TEST(StreamQuota, ZeroMeansUnlimited) {
  StreamQuota quota;
  auto refused = StreamQuota::Limit::per_token;
  std::vector<StreamQuota::Ticket> tickets;
  for (int i = 0; i < 1000; ++i) tickets.push_back(quota.admit("tok-1", "acme", 0, 0, refused));
  for (const auto& ticket : tickets) EXPECT_TRUE(ticket);
  EXPECT_EQ(quota.streams_of_customer("acme"), 1000u);
}

// The console's agents online: one customer's open streams per agent, and none of another's.
TEST(StreamQuota, CountsEachCustomersStreamsPerAgent) {
  StreamQuota quota;
  auto refused = StreamQuota::Limit::per_token;
  auto a = quota.admit("tok-1", "acme", 0, 0, refused, "1001");
  auto b = quota.admit("tok-2", "acme", 0, 0, refused, "1001");
  auto wide = quota.admit("tok-3", "acme", 0, 0, refused);
  auto other = quota.admit("tok-4", "acme2", 0, 0, refused, "1001");
  auto agents = quota.streams_by_agent("acme");
  std::ranges::sort(agents);
  using Agents = std::vector<std::pair<std::string, std::size_t>>;
  EXPECT_EQ(agents, (Agents{{"", 1}, {"1001", 2}})) << "acme2 is another customer, not a prefix";
  b = StreamQuota::Ticket();
  EXPECT_EQ(quota.streams_by_agent("acme").size(), 2u);
  a = StreamQuota::Ticket();
  wide = StreamQuota::Ticket();
  EXPECT_TRUE(quota.streams_by_agent("acme").empty()) << "closed streams leave no entry";
  EXPECT_EQ(quota.streams_by_agent("acme2"), (Agents{{"1001", 1}}));
}

}  // namespace
}  // namespace popflow::net
