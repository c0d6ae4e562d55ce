#include "auth/acl.hpp"

#include <gtest/gtest.h>

namespace popflow::auth {
namespace {

Claims customer_wide(std::string customer = "C") {
  Claims c;
  c.kind = TokenKind::client_token;
  c.customer = std::move(customer);
  return c;
}

Claims agent_limited(std::string agent, std::string customer = "C") {
  Claims c = customer_wide(std::move(customer));
  c.agent = std::move(agent);
  return c;
}

TEST(SubscribeDenial, CustomerWideTokenMayUseItsOwnNamespaces) {
  const auto c = customer_wide();
  for (const char* filter : {"CTI/C/1001", "CTI/C/+/1001", "CRM/C/+/1001", "CTI/C/#", "CRM/C/#",
                             "CTI/C/+", "CTI/C/env-1/+", "CTI/C"}) {
    EXPECT_EQ(subscribe_denial(c, filter), std::nullopt) << filter;
  }
}

TEST(SubscribeDenial, FirstTwoLevelsMustBeLiteral) {
  const auto c = customer_wide();
  for (const char* filter :
       {"#", "+", "+/C/#", "+/C/1001", "CTI/+/1001", "CTI/#", "CRM/+/+/1001", "+/+/+"}) {
    EXPECT_NE(subscribe_denial(c, filter), std::nullopt) << filter;
  }
}

TEST(SubscribeDenial, OnlyItsOwnCustomersCatalogTopic) {
  for (const auto& c : {customer_wide(), agent_limited("1001")}) {
    EXPECT_EQ(subscribe_denial(c, catalog_topic("C")), std::nullopt);
    EXPECT_TRUE(may_read(c, "$popflow/catalog/C"));
    for (const char* filter : {"$popflow/catalog/D", "$popflow/catalog/+", "$popflow/#",
                               "$popflow/monitor/C", "$popflow/catalog/C/x", "$popflow/catalog/"}) {
      EXPECT_NE(subscribe_denial(c, filter), std::nullopt) << filter;
      EXPECT_FALSE(may_read(c, filter)) << filter;
    }
  }
}

TEST(SubscribeDenial, OtherCustomersAndNamespacesRefused) {
  const auto c = customer_wide();
  for (const char* filter :
       {"CTI/D/1001", "CRM/D/+/1001", "CTI/CC/1001", "CTI/c/1001", "cti/C/1001", "SMS/C/1001",
        "$SYS/#", "CTI", "/CTI/C/1001", "CTI//C/1001", "$share/g/CTI/C/1001"}) {
    EXPECT_NE(subscribe_denial(c, filter), std::nullopt) << filter;
  }
}

TEST(SubscribeDenial, InvalidFiltersRefused) {
  const auto c = customer_wide();
  for (const char* filter : {"", "CTI/C/#/1001", "CTI/C/10+1", "CTI/C/\xff"}) {
    const auto why = subscribe_denial(c, filter);
    ASSERT_NE(why, std::nullopt) << filter;
    EXPECT_NE(why->find("not a valid topic filter"), std::string::npos) << *why;
  }
}

TEST(SubscribeDenial, AgentTokenAllowedOnlyItsOwnAgentTopics) {
  const auto a = agent_limited("A");
  for (const char* filter : {"CTI/C/A", "CTI/C/+/A", "CRM/C/+/A", "CTI/C/env-1/A"}) {
    EXPECT_EQ(subscribe_denial(a, filter), std::nullopt) << filter;
  }
}

TEST(SubscribeDenial, AgentTokenCannotWidenWithWildcards) {
  const auto a = agent_limited("A");
  for (const char* filter : {"CTI/C/#", "CTI/C/+", "CTI/C/B", "CTI/D/A", "CTI/C/A/#", "CTI/C/A/+",
                             "CTI/C/AA", "CTI/C/a", "CTI/C/+/+", "CRM/C/#", "CTI/C"}) {
    EXPECT_NE(subscribe_denial(a, filter), std::nullopt) << filter;
  }
}

// An agent id equal to the customer id must not turn "CTI/C" into a customer-wide grant,
// and an agent id that is itself a wildcard must not match everything.
TEST(SubscribeDenial, AgentTokenEdgeCases) {
  EXPECT_NE(subscribe_denial(agent_limited("C"), "CTI/C"), std::nullopt);
  EXPECT_EQ(subscribe_denial(agent_limited("C"), "CTI/C/C"), std::nullopt);
  EXPECT_NE(subscribe_denial(agent_limited("+"), "CTI/C/+"), std::nullopt);
  EXPECT_NE(subscribe_denial(agent_limited("#"), "CTI/C/#"), std::nullopt);
}

TEST(SubscribeDenial, ReasonNamesTheLimit) {
  auto why = subscribe_denial(customer_wide("acme"), "CTI/globex/1001");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("acme"), std::string::npos) << *why;
  why = subscribe_denial(agent_limited("1001", "acme"), "CTI/acme/#");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("agent 1001"), std::string::npos) << *why;
}

TEST(AnonymousSubscribeDenial, TenantAndServerNamespacesRefusedOthersAllowed) {
  EXPECT_NE(anonymous_subscribe_denial("CTI/acme/1001"), std::nullopt);
  EXPECT_NE(anonymous_subscribe_denial("CRM/#"), std::nullopt);
  EXPECT_NE(anonymous_subscribe_denial("$popflow/catalog/acme"), std::nullopt);
  EXPECT_NE(anonymous_subscribe_denial("$popflow/#"), std::nullopt);
  EXPECT_NE(anonymous_subscribe_denial("$popflow"), std::nullopt);
  EXPECT_EQ(anonymous_subscribe_denial("sensors/room-1"), std::nullopt);
  EXPECT_EQ(anonymous_subscribe_denial("$SYS/broker/uptime"), std::nullopt);
  EXPECT_EQ(anonymous_subscribe_denial("$popflowish/x"), std::nullopt);
  EXPECT_EQ(anonymous_subscribe_denial("#"), std::nullopt);  // never matches CTI/… ($ or not)
}

TEST(PublishDenial, NoClientPublishesTriggersOrServerMessages) {
  EXPECT_NE(publish_denial("CTI/acme/1001"), std::nullopt);
  EXPECT_NE(publish_denial("CRM/acme/crm-1/1001"), std::nullopt);
  EXPECT_NE(publish_denial("$popflow/catalog/acme"), std::nullopt);
  EXPECT_EQ(publish_denial("sensors/room-1"), std::nullopt);
  EXPECT_EQ(publish_denial("cti/acme/1001"), std::nullopt);  // topics are case-sensitive
}

}  // namespace
}  // namespace popflow::auth
