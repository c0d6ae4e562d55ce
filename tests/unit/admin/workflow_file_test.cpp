#include "admin/workflow_file.hpp"

#include <gtest/gtest.h>

#include "workflows/definition.hpp"

namespace popflow::admin {
namespace {

constexpr std::string_view kDefinition =
    R"({"steps": {"x": {"message": "hi", "type": "log"}}, "start": "x", "schema": 1})";

std::string file_with(std::string_view workflows, std::string_view extra = "") {
  return std::string(R"({"popflowWorkflows": 1, "instance": {"crmId": "acme.example.com"})") +
         std::string(extra) + R"(, "workflows": [)" + std::string(workflows) + "]}";
}

std::string one_workflow(std::string_view members) {
  return R"({"name": "Pop", "event": "On Ring", "definition": )" + std::string(kDefinition) +
         std::string(members) + "}";
}

std::string problem_field(std::string_view text) {
  auto file = parse_workflow_file(text);
  EXPECT_FALSE(file) << text;
  return file ? "" : file.error().field;
}

WorkflowFile sample() {
  WorkflowFile file;
  file.instance.crm_id = "acme.example.com";
  file.instance.name = "Acme";
  file.instance.crm_type = workflows::CrmType::zendesk;
  file.instance.urls = workflows::url_presets(workflows::CrmType::zendesk);
  file.profiles = {"Tier 2", "Tier 1"};
  file.agents = {{"", "", "1002", "Tier 2"}, {"", "", "1001", "Tier 1"}};
  file.instance.supersede_by = "interactionId";
  file.events = {{"", "", "VIP", "a VIP calls", false, 20}, {"", "", "Later", "", false, {}}};
  const auto canonical = workflows::canonical_json(*workflows::validate_definition(kDefinition));
  file.workflows = {{"b", "On Ring", "", canonical, std::vector<PublishTarget>{"Tier 1", {}}},
                    {"a", "VIP", "vip", canonical, std::nullopt}};
  return file;
}

TEST(WorkflowFile, ParsingWhatWasWrittenWritesTheSameBytes) {
  const auto text = write_workflow_file(sample());
  auto parsed = parse_workflow_file(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->instance.crm_type, workflows::CrmType::zendesk);
  EXPECT_EQ(parsed->agents.front().agent_id, "1001");
  EXPECT_EQ(write_workflow_file(*parsed), text);
}

TEST(WorkflowFile, ListsAreSortedSoTheStoreOrderNeverShows) {
  const auto text = write_workflow_file(sample());
  EXPECT_LT(text.find("\"Tier 1\""), text.find("\"Tier 2\""));
  EXPECT_LT(text.find("\"1001\""), text.find("\"1002\""));
  EXPECT_LT(text.find("\"name\": \"a\""), text.find("\"name\": \"b\""));
  // All profiles first, then names; "all" alone is written as the string.
  EXPECT_NE(text.find("\"publish\": [\n        \"all\",\n        \"Tier 1\"\n      ]"),
            std::string::npos)
      << text;
  auto only_all = sample();
  only_all.workflows[0].publish = std::vector<PublishTarget>{std::nullopt};
  EXPECT_NE(write_workflow_file(only_all).find("\"publish\": \"all\""), std::string::npos);
}

TEST(WorkflowFile, DefinitionsKeepTheCanonicalLayoutIndented) {
  const auto file = sample();
  std::string indented;
  for (char c : file.workflows[0].definition) {
    indented.push_back(c);
    if (c == '\n') indented += "      ";
  }
  indented.erase(indented.find_last_not_of(" \n") + 1);  // canonical_json ends with a newline
  EXPECT_NE(write_workflow_file(file).find("\"definition\": " + indented), std::string::npos);
}

TEST(WorkflowFile, PublishReadsAllAListOrNull) {
  auto file = parse_workflow_file(file_with(one_workflow(R"(, "publish": ["Tier 1", "all"])") +
                                            "," + R"({"name": "Other", "event": "On End",)" +
                                            R"( "definition": {}, "publish": null})"));
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->workflows[0].publish, (std::vector<PublishTarget>{"Tier 1", std::nullopt}));
  EXPECT_FALSE(file->workflows[1].publish);
  EXPECT_EQ(problem_field(file_with(one_workflow(R"(, "publish": "Tier 1")"))),
            "workflows[0].publish");
  EXPECT_EQ(problem_field(file_with(one_workflow(R"(, "publish": ["all", "all"])"))),
            "workflows[0].publish[1]");
}

TEST(WorkflowFile, MissingUrlTemplatesAreTheCrmTypesPresets) {
  auto file = parse_workflow_file(
      R"({"popflowWorkflows": 1, "instance": {"crmId": "a.example.com", "crmType": "salesforce",
          "urlTemplates": {"search": "https://{trigger.crmId}/s?q={search.term}"}}})");
  ASSERT_TRUE(file) << file.error().message;
  const auto presets = workflows::url_presets(workflows::CrmType::salesforce);
  EXPECT_EQ(file->instance.urls.record, presets.record);
  EXPECT_EQ(file->instance.urls.search, "https://{trigger.crmId}/s?q={search.term}");
  EXPECT_EQ(file->instance.name, "a.example.com");
}

TEST(WorkflowFile, PopRulesRoundTripAndDefaultToWhatANewInstanceHas) {
  auto parsed = parse_workflow_file(write_workflow_file(sample()));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->instance.supersede_by, "interactionId");
  ASSERT_EQ(parsed->events.size(), 2u);
  EXPECT_EQ(parsed->events[0].name, "Later");
  EXPECT_EQ(parsed->events[0].stale_after, std::nullopt);
  EXPECT_EQ(parsed->events[1].stale_after, 20);

  auto defaults = parse_workflow_file(
      file_with("", R"(, "events": [{"name": "On Ring"}, {"name": "VIP"}, {"name": "Chat Ring",
                       "staleAfter": null}])"));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->instance.supersede_by, "callId");
  EXPECT_EQ(defaults->events[0].stale_after, 30);
  EXPECT_EQ(defaults->events[1].stale_after, std::nullopt);
  EXPECT_EQ(defaults->events[2].stale_after, std::nullopt);

  auto off = parse_workflow_file(
      R"({"popflowWorkflows": 1, "instance": {"crmId": "a", "supersedeBy": null}})");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->instance.supersede_by, "");
  EXPECT_EQ(problem_field(file_with("", R"(, "events": [{"name": "VIP", "staleAfter": 0}])")),
            "events[0].staleAfter");
  EXPECT_EQ(problem_field(R"({"popflowWorkflows": 1, "instance": {"crmId": "a",
                             "supersedeBy": "call id"}})"),
            "instance.supersedeBy");
}

TEST(WorkflowFile, MistakesNameTheirPath) {
  EXPECT_EQ(problem_field(file_with(one_workflow(R"(, "titel": "x")"))), "workflows[0].titel");
  EXPECT_EQ(problem_field(file_with(one_workflow("") + "," + one_workflow(""))),
            "workflows[1].name");
  EXPECT_EQ(problem_field(file_with("", R"(, "agents": [{"agentId": "1"}])")), "agents[0].profile");
  EXPECT_EQ(problem_field(R"({"popflowWorkflows": 2, "instance": {"crmId": "a"}})"),
            "popflowWorkflows");
  EXPECT_EQ(problem_field(file_with(R"({"name": "Pop", "event": "On Ring"})")),
            "workflows[0].definition");
}

TEST(WorkflowFile, ARepeatedKeyIsRefusedNotSilentlyDropped) {
  const auto text = file_with(one_workflow(R"(, "event": "On End")"));
  auto file = parse_workflow_file(text);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, "invalid_workflow_file");
  EXPECT_NE(file.error().field.find("event"), std::string::npos) << file.error().field;
}

}  // namespace
}  // namespace popflow::admin
