#include "store/sql_workflows.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace popflow::store {
namespace {

using namespace store_testing;

constexpr const char* kCrm = "a.example.com";

class SqlWorkflowsTest : public StoreTest {
 protected:
  SqlWorkflowsTest() {
    catalog_.insert_instance(make_instance("acme", kCrm));
    catalog_.insert_instance(make_instance("acme", "b.example.com"));
  }

  // A workflow with versions 1..n.
  void add(const std::string& id, int versions, const std::string& crm = kCrm) {
    workflows_.insert_workflow(make_workflow(id, "acme", crm, "On Ring"));
    for (int n = 1; n <= versions; ++n) workflows_.insert_version(make_version(id, n));
  }
};

TEST_F(SqlWorkflowsTest, WorkflowKeepsEveryField) {
  auto in = make_workflow("wf_1", "acme", kCrm, "On Answer");
  in.revision = 3;
  workflows_.insert_workflow(in);
  const auto out = workflows_.workflow("acme", "wf_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->crm_id, kCrm);
  EXPECT_EQ(out->name, in.name);
  EXPECT_EQ(out->event, "On Answer");
  EXPECT_EQ(out->description, in.description);
  EXPECT_EQ(out->draft, in.draft);
  EXPECT_EQ(out->created_at, 10);
  EXPECT_EQ(out->updated_at, 20);
  EXPECT_EQ(out->revision, 3);
  EXPECT_FALSE(workflows_.workflow("zeta", "wf_1"));  // another customer's id
}

TEST_F(SqlWorkflowsTest, WorkflowsAreListedPerInstanceByName) {
  auto b = make_workflow("wf_1", "acme", kCrm, "On Ring");
  b.name = "B";
  auto a = make_workflow("wf_2", "acme", kCrm, "On Ring");
  a.name = "A";
  workflows_.insert_workflow(b);
  workflows_.insert_workflow(a);
  workflows_.insert_workflow(make_workflow("wf_3", "acme", "b.example.com", "On Ring"));
  const auto list = workflows_.workflows("acme", kCrm);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "wf_2");
  EXPECT_EQ(list[1].id, "wf_1");
}

TEST_F(SqlWorkflowsTest, ATakenIdOrAMissingInstanceIsAConstraintError) {
  add("wf_1", 0);
  for (const auto& w : {make_workflow("wf_1", "acme", kCrm, "On Ring"),
                        make_workflow("wf_2", "acme", "none.example.com", "On Ring")}) {
    try {
      workflows_.insert_workflow(w);
      ADD_FAILURE() << "inserted " << w.id;
    } catch (const StoreError& e) {
      EXPECT_TRUE(is_constraint(e)) << e.what();
    }
  }
}

TEST_F(SqlWorkflowsTest, UpdateChangesTheWorkflowByKey) {
  add("wf_1", 0);
  auto w = make_workflow("wf_1", "acme", kCrm, "On End");
  w.name = "Renamed";
  w.draft = R"({"steps":[1]})";
  w.updated_at = 99;
  w.revision = 2;
  workflows_.update_workflow(w);
  const auto out = workflows_.workflow("acme", "wf_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->name, "Renamed");
  EXPECT_EQ(out->event, "On End");
  EXPECT_EQ(out->draft, w.draft);
  EXPECT_EQ(out->updated_at, 99);
  EXPECT_EQ(out->revision, 2);
  EXPECT_THROW(workflows_.update_workflow(make_workflow("wf_1", "zeta", kCrm, "On End")),
               StoreError);
}

TEST_F(SqlWorkflowsTest, VersionsAreKeptInNumberOrderAndNeverTwice) {
  workflows_.insert_workflow(make_workflow("wf_1", "acme", kCrm, "On Ring"));
  workflows_.insert_version(make_version("wf_1", 2));
  workflows_.insert_version(make_version("wf_1", 1));
  EXPECT_THROW(workflows_.insert_version(make_version("wf_1", 1)), StoreError);
  EXPECT_THROW(workflows_.insert_version(make_version("wf_none", 1)), StoreError);
  const auto all = workflows_.versions("wf_1");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].number, 1);
  EXPECT_EQ(all[1].number, 2);
  const auto two = workflows_.version("wf_1", 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->definition, make_version("wf_1", 2).definition);
  EXPECT_EQ(two->created_at, 32);
  EXPECT_EQ(two->created_by, "user:alice");
  EXPECT_FALSE(workflows_.version("wf_1", 3));
}

TEST_F(SqlWorkflowsTest, PublishingAgainToTheSameEventAndProfileReplaces) {
  add("wf_1", 2);
  add("wf_2", 1);
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", "Tier 1", "wf_1", 1));
  auto again = make_publication("acme", kCrm, "On Ring", "Tier 1", "wf_2", 1);
  again.published_at = 77;
  again.published_by = "cli";
  workflows_.put_publication(again);
  const auto all = workflows_.publications("acme", std::nullopt);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].workflow_id, "wf_2");
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(all[0].profile, "Tier 1");
  EXPECT_EQ(all[0].published_at, 77);
  EXPECT_EQ(all[0].published_by, "cli");
}

TEST_F(SqlWorkflowsTest, AllProfilesAndANamedProfileAreTwoPublications) {
  add("wf_1", 2);
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", std::nullopt, "wf_1", 1));
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", "Tier 1", "wf_1", 2));
  auto all = workflows_.publications("acme", std::string(kCrm));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].profile, std::nullopt);
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(all[1].profile, "Tier 1");
  EXPECT_EQ(all[1].version, 2);

  EXPECT_TRUE(workflows_.remove_publication("acme", kCrm, "On Ring", std::nullopt));
  EXPECT_FALSE(workflows_.remove_publication("acme", kCrm, "On Ring", std::nullopt));
  all = workflows_.publications("acme", std::string(kCrm));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].profile, "Tier 1");
}

TEST_F(SqlWorkflowsTest, PublicationsOfOneInstanceOrOfAll) {
  add("wf_1", 1);
  add("wf_2", 1, "b.example.com");
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", std::nullopt, "wf_1", 1));
  workflows_.put_publication(
      make_publication("acme", "b.example.com", "On Ring", std::nullopt, "wf_2", 1));
  EXPECT_EQ(workflows_.publications("acme", std::nullopt).size(), 2u);
  const auto b = workflows_.publications("acme", std::string("b.example.com"));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].workflow_id, "wf_2");
  EXPECT_TRUE(workflows_.publications("zeta", std::nullopt).empty());
}

TEST_F(SqlWorkflowsTest, PublishingAVersionThatDoesNotExistIsRefused) {
  add("wf_1", 1);
  try {
    workflows_.put_publication(make_publication("acme", kCrm, "On Ring", std::nullopt, "wf_1", 2));
    ADD_FAILURE() << "published a missing version";
  } catch (const StoreError& e) {
    EXPECT_TRUE(is_constraint(e)) << e.what();
  }
}

TEST_F(SqlWorkflowsTest, RemovingAWorkflowTakesItsVersionsAndPublications) {
  add("wf_1", 2);
  add("wf_2", 1);
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", std::nullopt, "wf_1", 2));
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", "Tier 1", "wf_1", 1));
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", "Tier 2", "wf_2", 1));
  EXPECT_FALSE(workflows_.remove_workflow("zeta", "wf_1"));  // not zeta's
  EXPECT_TRUE(workflows_.remove_workflow("acme", "wf_1"));
  EXPECT_FALSE(workflows_.workflow("acme", "wf_1"));
  EXPECT_TRUE(workflows_.versions("wf_1").empty());
  const auto left = workflows_.publications("acme", std::nullopt);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].workflow_id, "wf_2");
  EXPECT_EQ(workflows_.versions("wf_2").size(), 1u);
}

TEST_F(SqlWorkflowsTest, AllPublishedCarriesTheNameAndThePublishedDefinition) {
  add("wf_1", 2);
  workflows_.put_publication(make_publication("acme", kCrm, "On Ring", "Tier 1", "wf_1", 1));
  const auto all = store_.all_published();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].publication.workflow_id, "wf_1");
  EXPECT_EQ(all[0].publication.profile, "Tier 1");
  EXPECT_EQ(all[0].workflow_name, "Flow wf_1");
  EXPECT_EQ(all[0].definition, make_version("wf_1", 1).definition);  // not the newest
}

}  // namespace
}  // namespace popflow::store
