#include "store/sql_catalog.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "store_fixture.hpp"

namespace popflow::store {
namespace {

using namespace store_testing;
using workflows::AgentEntry;
using workflows::Event;
using workflows::Profile;

using SqlCatalogTest = StoreTest;

std::vector<std::string> agent_ids(const std::vector<AgentEntry>& agents) {
  std::vector<std::string> out;
  for (const auto& a : agents) out.push_back(a.agent_id);
  return out;
}

TEST_F(SqlCatalogTest, InstanceKeepsEveryField) {
  auto in = make_instance("acme", "acme.crm.example.com");
  in.crm_type = workflows::CrmType::servicenow;
  in.urls = {"r/{record.id}", "n/{record.type}", "s?q={search.term}"};
  in.revision = 7;
  catalog_.insert_instance(in);
  const auto out = catalog_.instance("acme", "acme.crm.example.com");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->customer_id, "acme");
  EXPECT_EQ(out->name, in.name);
  EXPECT_EQ(out->crm_type, workflows::CrmType::servicenow);
  EXPECT_EQ(out->urls.record, "r/{record.id}");
  EXPECT_EQ(out->urls.new_record, "n/{record.type}");
  EXPECT_EQ(out->urls.search, "s?q={search.term}");
  EXPECT_EQ(out->created_at, in.created_at);
  EXPECT_EQ(out->revision, 7);
  EXPECT_FALSE(catalog_.instance("zeta", "acme.crm.example.com"));  // another customer's
}

TEST_F(SqlCatalogTest, InstancesAreListedPerCustomerByCrmId) {
  catalog_.insert_instance(make_instance("acme", "b.example.com"));
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.insert_instance(make_instance("zeta", "z.example.com"));
  const auto acme = catalog_.instances("acme");
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].crm_id, "a.example.com");
  EXPECT_EQ(acme[1].crm_id, "b.example.com");
  EXPECT_TRUE(catalog_.instances("nobody").empty());
}

TEST_F(SqlCatalogTest, InsertingAnExistingInstanceIsAConstraintError) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  try {
    catalog_.insert_instance(make_instance("acme", "a.example.com"));
    ADD_FAILURE() << "inserted twice";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_constraint(e)) << e.what();
  }
  // The same CRM ID under another customer is another instance.
  EXPECT_NO_THROW(catalog_.insert_instance(make_instance("zeta", "a.example.com")));
}

TEST_F(SqlCatalogTest, AnInstanceOfAnUnknownCustomerIsRefused) {
  EXPECT_THROW(catalog_.insert_instance(make_instance("nobody", "a.example.com")), StoreError);
}

TEST_F(SqlCatalogTest, UpdateChangesTheInstanceByKey) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  auto changed = make_instance("acme", "a.example.com");
  changed.name = "Renamed";
  changed.crm_type = workflows::CrmType::zendesk;
  changed.urls.search = "custom";
  changed.revision = 2;
  catalog_.update_instance(changed);
  const auto out = catalog_.instance("acme", "a.example.com");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->name, "Renamed");
  EXPECT_EQ(out->crm_type, workflows::CrmType::zendesk);
  EXPECT_EQ(out->urls.search, "custom");
  EXPECT_EQ(out->revision, 2);
}

TEST_F(SqlCatalogTest, UpdatingAMissingInstanceThrows) {
  EXPECT_THROW(catalog_.update_instance(make_instance("acme", "none.example.com")), StoreError);
}

TEST_F(SqlCatalogTest, ProfilesAreAddedListedByNameAndRemoved) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.insert_profile({"acme", "a.example.com", "Tier 2"});
  catalog_.insert_profile({"acme", "a.example.com", "Tier 1"});
  catalog_.insert_profile({"acme", "a.example.com", "tier 1"});  // names are exact
  EXPECT_THROW(catalog_.insert_profile({"acme", "a.example.com", "Tier 1"}), StoreError);
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& p : catalog_.profiles("acme", "a.example.com")) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"Tier 1", "Tier 2", "tier 1"}));
  EXPECT_TRUE(catalog_.remove_profile("acme", "a.example.com", "Tier 1"));
  EXPECT_FALSE(catalog_.remove_profile("acme", "a.example.com", "Tier 1"));
  EXPECT_EQ(names(), (std::vector<std::string>{"Tier 2", "tier 1"}));
}

TEST_F(SqlCatalogTest, AProfileNeedsItsInstance) {
  EXPECT_THROW(catalog_.insert_profile({"acme", "none.example.com", "Tier 1"}), StoreError);
}

TEST_F(SqlCatalogTest, AgentsArePagedInAgentIdOrder) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  for (const char* id : {"d", "b", "e", "a", "c"})
    catalog_.put_agent({"acme", "a.example.com", id, "Tier 1"});
  const auto first = catalog_.agents("acme", "a.example.com", std::nullopt, 2);
  EXPECT_EQ(agent_ids(first), (std::vector<std::string>{"a", "b"}));
  const auto second = catalog_.agents("acme", "a.example.com", first.back().agent_id, 2);
  EXPECT_EQ(agent_ids(second), (std::vector<std::string>{"c", "d"}));
  const auto last = catalog_.agents("acme", "a.example.com", second.back().agent_id, 2);
  EXPECT_EQ(agent_ids(last), (std::vector<std::string>{"e"}));
  EXPECT_TRUE(catalog_.agents("acme", "a.example.com", std::string("e"), 2).empty());
  EXPECT_EQ(catalog_.agents("acme", "a.example.com", std::nullopt, SIZE_MAX).size(), 5u);
}

TEST_F(SqlCatalogTest, PutAgentReplacesItsProfileAndRemoveForgetsIt) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.put_agent({"acme", "a.example.com", "agent-7", "Tier 1"});
  catalog_.put_agent({"acme", "a.example.com", "agent-7", "Tier 2"});
  const auto agents = catalog_.agents("acme", "a.example.com", std::nullopt, 10);
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_EQ(agents[0].profile, "Tier 2");
  EXPECT_TRUE(catalog_.remove_agent("acme", "a.example.com", "agent-7"));
  EXPECT_FALSE(catalog_.remove_agent("acme", "a.example.com", "agent-7"));
  EXPECT_TRUE(catalog_.agents("acme", "a.example.com", std::nullopt, 10).empty());
}

TEST_F(SqlCatalogTest, EventsKeepDescriptionAndBuiltInFlag) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.insert_event({"acme", "a.example.com", "On Ring", "the phone rings", true, {}});
  catalog_.insert_event({"acme", "a.example.com", "Escalate", "custom", false, {}});
  const auto events = catalog_.events("acme", "a.example.com");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "Escalate");
  EXPECT_EQ(events[0].description, "custom");
  EXPECT_FALSE(events[0].built_in);
  EXPECT_EQ(events[1].name, "On Ring");
  EXPECT_EQ(events[1].description, "the phone rings");
  EXPECT_TRUE(events[1].built_in);
}

TEST_F(SqlCatalogTest, EventsKeepTheirAgeLimitAndUpdateInPlace) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.insert_event(workflows::built_in_event("acme", "a.example.com", "On Ring"));
  catalog_.insert_event({"acme", "a.example.com", "VIP", "", false, std::nullopt});
  auto events = catalog_.events("acme", "a.example.com");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].stale_after, 30);
  EXPECT_EQ(events[1].stale_after, std::nullopt);

  events[0].stale_after = std::nullopt;
  events[0].description = "ringing";
  events[1].stale_after = 5;
  catalog_.update_event(events[0]);
  catalog_.update_event(events[1]);
  const auto updated = catalog_.events("acme", "a.example.com");
  EXPECT_EQ(updated[0].stale_after, std::nullopt);
  EXPECT_EQ(updated[0].description, "ringing");
  EXPECT_TRUE(updated[0].built_in);
  EXPECT_EQ(updated[1].stale_after, 5);
  EXPECT_THROW(catalog_.update_event({"acme", "a.example.com", "Nope", "", false, 1}), StoreError);
}

TEST_F(SqlCatalogTest, InstancesKeepTheirSupersedeField) {
  auto instance = make_instance("acme", "a.example.com");
  EXPECT_EQ(instance.supersede_by, "callId");
  instance.supersede_by = "interactionId";
  catalog_.insert_instance(instance);
  EXPECT_EQ(catalog_.instance("acme", "a.example.com")->supersede_by, "interactionId");
  instance.supersede_by.clear();
  catalog_.update_instance(instance);
  EXPECT_EQ(catalog_.instance("acme", "a.example.com")->supersede_by, "");
}

TEST_F(SqlCatalogTest, EventNamesAreExact) {
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.insert_event({"acme", "a.example.com", "On Ring", "", true, {}});
  catalog_.insert_event({"acme", "a.example.com", "On ring", "", false, {}});
  catalog_.insert_event({"acme", "a.example.com", "On Ring ", "", false, {}});
  EXPECT_THROW(catalog_.insert_event({"acme", "a.example.com", "On Ring", "", false, {}}),
               StoreError);
  EXPECT_EQ(catalog_.events("acme", "a.example.com").size(), 3u);
  EXPECT_TRUE(catalog_.remove_event("acme", "a.example.com", "On ring"));
  EXPECT_FALSE(catalog_.remove_event("acme", "a.example.com", "on ring"));
  const auto left = catalog_.events("acme", "a.example.com");
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].name, "On Ring");
  EXPECT_EQ(left[1].name, "On Ring ");
}

TEST_F(SqlCatalogTest, RemovingAnInstanceTakesEverythingUnderIt) {
  for (const char* crm : {"a.example.com", "b.example.com"}) {
    catalog_.insert_instance(make_instance("acme", crm));
    catalog_.insert_profile({"acme", crm, "Tier 1"});
    catalog_.put_agent({"acme", crm, "agent-1", "Tier 1"});
    catalog_.insert_event({"acme", crm, "On Ring", "", true, {}});
    const std::string id = std::string("wf_") + crm;
    workflows_.insert_workflow(make_workflow(id, "acme", crm, "On Ring"));
    workflows_.insert_version(make_version(id, 1));
    workflows_.put_publication(make_publication("acme", crm, "On Ring", std::nullopt, id, 1));
  }
  EXPECT_TRUE(catalog_.remove_instance("acme", "a.example.com"));
  EXPECT_FALSE(catalog_.remove_instance("acme", "a.example.com"));

  EXPECT_FALSE(catalog_.instance("acme", "a.example.com"));
  EXPECT_TRUE(catalog_.profiles("acme", "a.example.com").empty());
  EXPECT_TRUE(catalog_.agents("acme", "a.example.com", std::nullopt, 10).empty());
  EXPECT_TRUE(catalog_.events("acme", "a.example.com").empty());
  EXPECT_TRUE(workflows_.workflows("acme", "a.example.com").empty());
  EXPECT_TRUE(workflows_.versions("wf_a.example.com").empty());
  EXPECT_TRUE(workflows_.publications("acme", std::string("a.example.com")).empty());

  // The other instance keeps all of its own.
  EXPECT_EQ(catalog_.profiles("acme", "b.example.com").size(), 1u);
  EXPECT_EQ(catalog_.agents("acme", "b.example.com", std::nullopt, 10).size(), 1u);
  EXPECT_EQ(catalog_.events("acme", "b.example.com").size(), 1u);
  EXPECT_EQ(workflows_.versions("wf_b.example.com").size(), 1u);
  EXPECT_EQ(workflows_.publications("acme", std::nullopt).size(), 1u);
}

TEST_F(SqlCatalogTest, AllOfEveryCustomerForTheSnapshot) {
  catalog_.insert_instance(make_instance("zeta", "z.example.com"));
  catalog_.insert_instance(make_instance("acme", "a.example.com"));
  catalog_.put_agent({"zeta", "z.example.com", "agent-1", "P"});
  catalog_.put_agent({"acme", "a.example.com", "agent-2", "Q"});
  catalog_.insert_event({"zeta", "z.example.com", "On Ring", "", true, {}});
  catalog_.insert_event({"acme", "a.example.com", "On End", "", true, {}});

  const auto instances = store_.all_instances();
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].customer_id, "acme");
  EXPECT_EQ(instances[1].customer_id, "zeta");
  const auto agents = store_.all_agents();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].agent_id, "agent-2");
  EXPECT_EQ(agents[1].profile, "P");
  const auto events = store_.all_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "On End");
  EXPECT_EQ(events[1].customer_id, "zeta");
}

}  // namespace
}  // namespace popflow::store
