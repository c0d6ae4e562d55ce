#include "http/trigger.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace popflow::http {
namespace {

FieldSet fields_of(std::string_view json) {
  FieldSet fields;
  EXPECT_TRUE(add_json_fields(json, FieldLimits{}, fields));
  return fields;
}

Problem problem_of(Channel channel, std::string_view json) {
  auto trigger = make_trigger(channel, fields_of(json));
  EXPECT_FALSE(trigger);
  return trigger ? Problem{} : trigger.error();
}

TEST(Trigger, CtiWithoutCtiIdGoesToTheAgentTopic) {
  auto trigger =
      make_trigger(Channel::cti, fields_of(R"({"agentid": "1001", "event": "On Ring"})"));
  ASSERT_TRUE(trigger);
  EXPECT_EQ(topic_of(*trigger, "acme"), "CTI/acme/1001");
}

TEST(Trigger, CtiIdAddsALevel) {
  auto trigger = make_trigger(Channel::cti,
                              fields_of(R"({"agentId": "1001", "CTIID": "env-1", "event": "e"})"));
  ASSERT_TRUE(trigger);
  EXPECT_EQ(topic_of(*trigger, "acme"), "CTI/acme/env-1/1001");
}

TEST(Trigger, CrmNeedsCrmId) {
  auto problem = problem_of(Channel::crm, R"({"agentId": "1", "event": "e"})");
  EXPECT_EQ(problem.code, "missing_field");
  EXPECT_EQ(problem.field, "crmId");
  auto trigger = make_trigger(Channel::crm,
                              fields_of(R"({"agentId": "1", "crmid": "h.example", "event": "e"})"));
  ASSERT_TRUE(trigger);
  EXPECT_EQ(topic_of(*trigger, "acme"), "CRM/acme/h.example/1");
}

TEST(Trigger, NumericAgentIdBecomesDecimalText) {
  auto trigger = make_trigger(Channel::cti, fields_of(R"({"agentId": 1001, "event": "e"})"));
  ASSERT_TRUE(trigger);
  EXPECT_EQ(trigger->agent_id, "1001");
  EXPECT_EQ(problem_of(Channel::cti, R"({"agentId": 10.5, "event": "e"})").code, "invalid_field");
  EXPECT_EQ(problem_of(Channel::cti, R"({"agentId": true, "event": "e"})").code, "invalid_field");
}

TEST(Trigger, RefusesValuesThatWouldBreakTheTopic) {
  for (auto agent : {R"("a/b")", R"("+")", R"("#")", R"("")", R"("a\u0001")"}) {
    auto problem =
        problem_of(Channel::cti, std::string(R"({"event": "e", "agentId": )") + agent + "}");
    EXPECT_EQ(problem.code, "invalid_field") << agent;
    EXPECT_EQ(problem.field, "agentId") << agent;
  }
}

TEST(Trigger, EveryOtherFieldIsDataWithItsType) {
  auto trigger = make_trigger(
      Channel::cti, fields_of(R"({"agentId": "1", "event": "e", "Ani": 555, "tags": ["x"]})"));
  ASSERT_TRUE(trigger);
  EXPECT_EQ(trigger->data.size(), 2u);
  EXPECT_EQ(trigger->data.at("Ani").as_int64(), 555);
  EXPECT_TRUE(trigger->data.at("tags").is_array());
}

TEST(Trigger, MessageHasTheContractShape) {
  auto trigger = make_trigger(
      Channel::cti,
      fields_of(R"({"agentId": "1001", "ctiId": "env-1", "event": "On Ring", "ani": "555"})"));
  ASSERT_TRUE(trigger);
  auto message =
      boost::json::parse(message_json(*trigger, "acme", "id-1", "2026-11-24T22:50:00.123Z"));
  EXPECT_EQ(message, boost::json::parse(R"({"id": "id-1", "channel": "CTI", "customerId": "acme",
      "agentId": "1001", "event": "On Ring", "ctiId": "env-1",
      "receivedAt": "2026-11-24T22:50:00.123Z", "data": {"ani": "555"}})"));
}

TEST(Trigger, HintNamesBothCtiTopics) {
  auto trigger = make_trigger(Channel::cti, fields_of(R"({"agentId": "7", "event": "e"})"));
  ASSERT_TRUE(trigger);
  auto hint = subscription_hint(*trigger, "acme");
  EXPECT_NE(hint.find("CTI/acme/7"), std::string::npos);
  EXPECT_NE(hint.find("CTI/acme/+/7"), std::string::npos);
}

}  // namespace
}  // namespace popflow::http
