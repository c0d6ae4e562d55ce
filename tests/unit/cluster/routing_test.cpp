#include "cluster/routing.hpp"

#include <gtest/gtest.h>

namespace popflow::cluster {
namespace {

TEST(Routing, ATriggerGoesToItsAgentsAndItsCustomersChannels) {
  for (auto topic : {"CTI/acme/1001", "CTI/acme/env-1/1001", "CRM/acme/acme.crm/1001"}) {
    auto channels = channels_of_topic(topic);
    ASSERT_TRUE(channels) << topic;
    EXPECT_EQ(channels->agent, "popflow:{c:acme}:a:1001") << topic;
    EXPECT_EQ(channels->customer, "popflow:{c:acme}:all") << topic;
  }
}

TEST(Routing, OnlyTriggerTopicsAreRouted) {
  for (auto topic : {"CTI/acme", "chat/room/1", "$popflow/catalog/acme", "cti/acme/1001"})
    EXPECT_FALSE(channels_of_topic(topic)) << topic;
}

TEST(Routing, AFilterEndingWithAnAgentNeedsThatAgentsChannel) {
  for (auto filter : {"CTI/acme/1001", "CTI/acme/+/1001", "CRM/acme/+/1001", "CTI/acme/env/1001"})
    EXPECT_EQ(channel_of_filter(filter), "popflow:{c:acme}:a:1001") << filter;
}

TEST(Routing, AFilterEndingWithAWildcardNeedsTheCustomersChannel) {
  for (auto filter :
       {"CTI/acme/#", "CTI/acme/+", "CRM/acme/+/+", "CTI/acme/1001/#", "CTI/acme/+/#"})
    EXPECT_EQ(channel_of_filter(filter), "popflow:{c:acme}:all") << filter;
}

TEST(Routing, OtherFiltersNeedNoChannel) {
  // Node-local topics, a customer wildcard (no client token may hold one), no agent level.
  for (auto filter :
       {"#", "+/acme/1001", "CTI/+/1001", "CTI/#", "CTI/acme", "chat/#", "$popflow/catalog/acme"})
    EXPECT_FALSE(channel_of_filter(filter)) << filter;
}

}  // namespace
}  // namespace popflow::cluster
