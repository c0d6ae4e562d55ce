#include "workflows/resolver.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace popflow::workflows {
namespace {

PublishedEntry pub(std::string crm, std::string event, std::optional<std::string> profile,
                   std::string id, int version = 1) {
  Publication p;
  p.customer_id = "acme";
  p.crm_id = std::move(crm);
  p.event = std::move(event);
  p.profile = std::move(profile);
  p.workflow_id = id;
  p.version = version;
  return {p, "name of " + id, "{\"def\":\"" + id + "\"}"};
}

Instance instance(std::string crm, std::string customer = "acme") {
  Instance i;
  i.customer_id = std::move(customer);
  i.crm_id = std::move(crm);
  return i;
}

// Two instances: "one" publishes On Ring to all and to Tier 2, On Answer to Tier 2 only;
// "two" publishes On Ring and Chat Ring to all. ann is Tier 2 in "one"; bob is listed in both.
SnapshotData sample() {
  SnapshotData d;
  d.instances = {instance("one"), instance("two"), instance("solo", "other")};
  d.agents = {{"acme", "one", "ann", "Tier 2"},
              {"acme", "one", "bob", "Tier 1"},
              {"acme", "two", "bob", "Tier 1"},
              {"acme", "ghost", "carl", "Tier 1"}};  // an instance that does not exist
  d.published = {pub("one", "On Ring", std::nullopt, "wf_all", 3),
                 pub("one", "On Ring", "Tier 2", "wf_t2", 5),
                 pub("one", "On Answer", "Tier 2", "wf_answer"),
                 pub("two", "On Ring", std::nullopt, "wf_two"),
                 pub("two", "Chat Ring", std::nullopt, "wf_chat"),
                 pub("ghost", "On Hold", std::nullopt, "wf_ghost")};
  return d;
}

class ResolverTest : public testing::Test {
 protected:
  Snapshot snapshot_{sample()};

  Resolution crm(std::string_view crm_id, std::string_view agent, std::string_view event) {
    return snapshot_.resolve("acme", Channel::crm, crm_id, agent, event);
  }
  Resolution cti(std::string_view agent, std::string_view event) {
    return snapshot_.resolve("acme", Channel::cti, std::nullopt, agent, event);
  }
};

TEST_F(ResolverTest, CrmTriggerRunsTheAllProfilesPublicationOfItsInstance) {
  const auto r = crm("two", "zed", "On Ring");
  ASSERT_TRUE(r.workflow);
  EXPECT_EQ(r.workflow->id, "wf_two");
  EXPECT_EQ(r.workflow->name, "name of wf_two");
  EXPECT_EQ(r.workflow->version, 1);
  EXPECT_EQ(r.workflow->instance, "two");
  EXPECT_FALSE(r.reason);
  EXPECT_FALSE(r.profile);  // zed is not in the directory
}

TEST_F(ResolverTest, TheResolvedWorkflowCarriesItsAnswerAsTheJsonOfItsFields) {
  const auto r = crm("one", "ann", "On Ring");
  ASSERT_TRUE(r.workflow);
  EXPECT_EQ(boost::json::parse(r.workflow->json),
            (boost::json::value{
                {"id", "wf_t2"}, {"name", "name of wf_t2"}, {"version", 5}, {"instance", "one"}}));
}

TEST_F(ResolverTest, AProfilesOwnPublicationBeatsAll) {
  const auto ann = crm("one", "ann", "On Ring");
  ASSERT_TRUE(ann.workflow);
  EXPECT_EQ(ann.workflow->id, "wf_t2");
  EXPECT_EQ(ann.workflow->version, 5);
  EXPECT_EQ(ann.profile, "Tier 2");
  const auto bob = crm("one", "bob", "On Ring");  // Tier 1 has none of its own
  ASSERT_TRUE(bob.workflow);
  EXPECT_EQ(bob.workflow->id, "wf_all");
}

TEST_F(ResolverTest, PublishedOnlyToOtherProfilesIsAProfileMismatch) {
  EXPECT_EQ(crm("one", "bob", "On Answer").reason, Unresolved::profile_mismatch);
  EXPECT_EQ(crm("one", "unlisted", "On Answer").reason, Unresolved::profile_mismatch);
  EXPECT_EQ(crm("one", "ann", "On Answer").workflow->id, "wf_answer");
}

TEST_F(ResolverTest, CrmIdThatIsNoInstance) {
  const auto r = crm("nowhere", "ann", "On Ring");
  EXPECT_EQ(r.reason, Unresolved::no_instance);
  EXPECT_FALSE(r.workflow);
  EXPECT_EQ(snapshot_.resolve("acme", Channel::crm, std::nullopt, "ann", "On Ring").reason,
            Unresolved::no_instance);
  EXPECT_EQ(snapshot_.resolve("nobody", Channel::crm, "one", "ann", "On Ring").reason,
            Unresolved::no_instance);
  // An instance of another customer is not this customer's.
  EXPECT_EQ(crm("solo", "ann", "On Ring").reason, Unresolved::no_instance);
}

TEST_F(ResolverTest, PublishedElsewhereButNotHere) {
  const auto r = crm("one", "ann", "Chat Ring");
  EXPECT_EQ(r.reason, Unresolved::not_published_here);
  EXPECT_EQ(r.instance, "one");
  EXPECT_FALSE(r.did_you_mean);
}

TEST_F(ResolverTest, NoPublicationSuggestsANearEventName) {
  const auto r = crm("one", "ann", "on ring");
  EXPECT_EQ(r.reason, Unresolved::no_publication);
  EXPECT_EQ(r.did_you_mean, "On Ring");
  EXPECT_EQ(cti("zed", "Chat Rnig").did_you_mean, "Chat Ring");
  const auto far = crm("one", "ann", "Wrap Up");
  EXPECT_EQ(far.reason, Unresolved::no_publication);
  EXPECT_FALSE(far.did_you_mean);
}

TEST_F(ResolverTest, CtiUsesTheAgentsInstanceFromTheDirectory) {
  const auto r = cti("ann", "On Ring");
  ASSERT_TRUE(r.workflow);
  EXPECT_EQ(r.workflow->instance, "one");
  EXPECT_EQ(r.workflow->id, "wf_t2");
  EXPECT_EQ(cti("ann", "Chat Ring").reason, Unresolved::not_published_here);
}

TEST_F(ResolverTest, CtiUnlistedAgentTakesTheOnlyInstancePublishingTheEvent) {
  const auto r = cti("zed", "Chat Ring");
  ASSERT_TRUE(r.workflow);
  EXPECT_EQ(r.workflow->instance, "two");
  EXPECT_EQ(cti("zed", "On Ring").reason, Unresolved::ambiguous_instance);
  EXPECT_EQ(cti("zed", "On Answer").reason, Unresolved::profile_mismatch);
}

TEST_F(ResolverTest, CtiAgentListedInSeveralInstancesTakesThePublishingOne) {
  EXPECT_EQ(cti("bob", "Chat Ring").workflow->instance, "two");
  EXPECT_EQ(cti("bob", "On Ring").reason, Unresolved::ambiguous_instance);
  EXPECT_EQ(cti("bob", "On Hold").reason, Unresolved::no_publication);
}

TEST_F(ResolverTest, EntriesOfUnknownInstancesAreIgnored) {
  EXPECT_EQ(cti("carl", "On Hold").reason, Unresolved::no_publication);
  EXPECT_EQ(crm("ghost", "carl", "On Hold").reason, Unresolved::no_instance);
}

TEST_F(ResolverTest, PublishedForGivesEachEventOnceSortedWithTheProfilesOwnFirst) {
  const auto tier2 = snapshot_.published_for("acme", "one", "Tier 2");
  ASSERT_EQ(tier2.size(), 2u);
  EXPECT_EQ(tier2[0].event, "On Answer");
  EXPECT_TRUE(tier2[0].own_profile);
  EXPECT_EQ(tier2[1].event, "On Ring");
  EXPECT_EQ(tier2[1].id, "wf_t2");
  EXPECT_EQ(tier2[1].definition, "{\"def\":\"wf_t2\"}");
  const auto none = snapshot_.published_for("acme", "one", std::nullopt);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].id, "wf_all");
  EXPECT_FALSE(none[0].own_profile);
  EXPECT_EQ(snapshot_.published_for("acme", "one", "Tier 1").size(), 1u);
  EXPECT_TRUE(snapshot_.published_for("acme", "nowhere", std::nullopt).empty());
}

TEST_F(ResolverTest, PublishedToOthersListsEventsOnlyOtherProfilesGet) {
  const std::vector<std::string> answer{"On Answer"};
  EXPECT_EQ(snapshot_.published_to_others("acme", "one", "Tier 1"), answer);
  EXPECT_EQ(snapshot_.published_to_others("acme", "one", std::nullopt), answer);
  EXPECT_TRUE(snapshot_.published_to_others("acme", "one", "Tier 2").empty());
  EXPECT_TRUE(snapshot_.published_to_others("acme", "nowhere", "Tier 1").empty());
}

TEST(Snapshot, StaleAfterListsAnInstancesEventsWithAnAgeLimitSorted) {
  auto data = sample();
  data.events = {built_in_event("acme", "one", "On Ring"),
                 built_in_event("acme", "one", "On Answer"),  // no limit
                 {"acme", "one", "Escalate", "", false, 5},
                 {"acme", "ghost", "VIP", "", false, 9}};
  const Snapshot snapshot{data};
  const auto limits = snapshot.stale_after("acme", "one");
  ASSERT_EQ(limits.size(), 2u);
  EXPECT_EQ(limits[0].event, "Escalate");
  EXPECT_EQ(limits[0].seconds, 5);
  EXPECT_EQ(limits[1].event, "On Ring");
  EXPECT_EQ(limits[1].seconds, 30);
  EXPECT_TRUE(snapshot.stale_after("acme", "two").empty());
  EXPECT_TRUE(snapshot.stale_after("acme", "ghost").empty());
}

TEST(Snapshot, TheDigestChangesWithThePopRules) {
  auto data = sample();
  data.events = {built_in_event("acme", "one", "On Ring")};
  const Snapshot before{data};
  EXPECT_EQ(Snapshot{data}.digest("acme"), before.digest("acme"));
  data.events[0].stale_after = 10;
  EXPECT_NE(Snapshot{data}.digest("acme"), before.digest("acme"));
  data.events[0].stale_after = 30;
  data.instances[0].supersede_by = "interactionId";
  EXPECT_NE(Snapshot{data}.digest("acme"), before.digest("acme"));
  EXPECT_EQ(Snapshot{data}.digest("other"), before.digest("other"));
}

TEST(Snapshot, GenerationsIncrease) {
  const Snapshot a{SnapshotData{}};
  const Snapshot b{SnapshotData{}};
  EXPECT_LT(a.generation(), b.generation());
}

TEST(Snapshot, ReasonNames) {
  EXPECT_EQ(to_string(Unresolved::profile_mismatch), "profile_mismatch");
  EXPECT_EQ(to_string(Unresolved::not_published_here), "not_published_here");
}

}  // namespace
}  // namespace popflow::workflows
