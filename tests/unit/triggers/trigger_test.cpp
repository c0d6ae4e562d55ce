#include "triggers/trigger.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

namespace popflow::triggers {
namespace {

// The fields a body parser (http/fields.hpp) hands over for `json`: a number or nested value
// with its JSON text as its literal.
FieldSet fields_of(std::string_view json) {
  FieldSet fields;
  const auto parsed = boost::json::parse(json);
  for (const auto& [name, value] : parsed.as_object()) {
    boost::json::string literal;
    if (value.is_number() || value.is_structured()) literal = boost::json::serialize(value);
    EXPECT_TRUE(fields.add(std::string(name), value, FieldLimits{}, std::move(literal)));
  }
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
  ASSERT_EQ(trigger->data.size(), 2u);
  EXPECT_EQ(trigger->data[0].name, "Ani");
  EXPECT_EQ(trigger->data[0].value.as_int64(), 555);
  EXPECT_EQ(trigger->data[0].literal, "555");
  EXPECT_EQ(trigger->data[1].name, "tags");
  EXPECT_TRUE(trigger->data[1].value.is_array());
  EXPECT_EQ(trigger->data[1].literal, R"(["x"])");
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

// Numbers and nested data reach subscribers as the caller wrote them (the literal the parser
// kept): never Infinity (not JSON), never a rounded call id.
TEST(Trigger, MessageCarriesDataAsSent) {
  FieldSet fields;
  const FieldLimits limits;
  ASSERT_TRUE(fields.add("agentId", "1", limits));
  ASSERT_TRUE(fields.add("event", "e", limits));
  ASSERT_TRUE(fields.add("n", HUGE_VAL, limits, "1e999"));
  ASSERT_TRUE(fields.add("big", 1.8446744073709552e19, limits, "18446744073709551617"));
  ASSERT_TRUE(fields.add("o", boost::json::object{}, limits, R"({"a":[1.50,-0],"b":"x\"y"})"));
  ASSERT_TRUE(fields.add("s", "2", limits));
  ASSERT_TRUE(fields.add("f", false, limits));
  auto trigger = make_trigger(Channel::cti, std::move(fields));
  ASSERT_TRUE(trigger);
  const auto message = message_json(*trigger, "acme", "id-1", "2026-11-24T22:50:00.123Z");
  const std::string data =
      R"("data":{"n":1e999,"big":18446744073709551617,"o":{"a":[1.50,-0],"b":"x\"y"},"s":"2",)"
      R"("f":false}})";
  ASSERT_GE(message.size(), data.size());
  EXPECT_EQ(message.substr(message.size() - data.size()), data) << message;
}

// message_json appends the JSON piece by piece: it must be byte for byte what Boost.JSON
// writes for the same object, escapes included.
TEST(Trigger, MessageIsExactlyWhatBoostJsonWouldWrite) {
  std::string odd = "q\" b\\ /\x01\x1f\x7f\b\t\n\f\r é \xe2\x82\xac";
  odd.push_back('\0');
  boost::json::object data{{"ani", "555"}, {"odd", odd}, {"n", 1.5}, {"list", {1, "x"}}};
  for (auto channel : {Channel::cti, Channel::crm}) {
    auto fields = fields_of(R"({"agentId": "a\"b\\c", "ctiId": "env", "crmId": "crm\u00e9",
                                "event": "e\u0001\n"})");
    if (channel == Channel::cti) fields.take("crmId");
    if (channel == Channel::crm) fields.take("ctiId");
    for (const auto& [key, value] : data) ASSERT_TRUE(fields.add(key, value, FieldLimits{}));
    auto trigger = make_trigger(channel, std::move(fields));
    ASSERT_TRUE(trigger);
    boost::json::object expected;
    expected["id"] = "id-\x02";
    expected["channel"] = to_string(channel);
    expected["customerId"] = odd;
    expected["agentId"] = trigger->agent_id;
    expected["event"] = trigger->event;
    if (trigger->cti_id) expected["ctiId"] = *trigger->cti_id;
    if (trigger->crm_id) expected["crmId"] = *trigger->crm_id;
    expected["receivedAt"] = "2026-11-24T22:50:00.123Z";
    expected["data"] = data;
    EXPECT_EQ(message_json(*trigger, odd, "id-\x02", "2026-11-24T22:50:00.123Z"),
              boost::json::serialize(expected));
  }
}

TEST(Trigger, AcceptedAnswerIsWhatBoostJsonWouldWrite) {
  boost::json::object expected{
      {"status", "ok"}, {"id", "id-\x01"}, {"topic", "CTI/a\"c/7"}, {"delivered", 12}};
  Accepted accepted{"id-\x01", "CTI/a\"c/7", 12, {}, {}, {}};
  EXPECT_EQ(accepted_json(accepted), boost::json::serialize(expected));
  accepted.delivered = 0;
  expected["delivered"] = 0;
  accepted.warnings = {"nobody \"here\"\n", "second"};
  expected["warnings"] = boost::json::array{"nobody \"here\"\n", "second"};
  accepted.did_you_mean = "On \"Ring\"";
  expected["didYouMean"] = "On \"Ring\"";
  EXPECT_EQ(accepted_json(accepted), boost::json::serialize(expected));
}

TEST(Trigger, AcceptedAnswerNamesTheResolvedWorkflow) {
  Accepted accepted{"id", "CTI/acme/7", 1, {}, {}, {}};
  const std::string fragment =
      R"({"id":"wf_1","name":"Pop \"VIP\"","version":3,"instance":"acme.example.com"})";
  accepted.workflow =
      workflows::ResolvedWorkflow{"wf_1", "Pop \"VIP\"", 3, "acme.example.com", fragment};
  boost::json::object expected{{"status", "ok"},
                               {"id", "id"},
                               {"topic", "CTI/acme/7"},
                               {"delivered", 1},
                               {"workflow",
                                {{"id", "wf_1"},
                                 {"name", "Pop \"VIP\""},
                                 {"version", 3},
                                 {"instance", "acme.example.com"}}}};
  EXPECT_EQ(accepted_json(accepted), boost::json::serialize(expected));
}

TEST(Trigger, HintNamesBothCtiTopics) {
  auto trigger = make_trigger(Channel::cti, fields_of(R"({"agentId": "7", "event": "e"})"));
  ASSERT_TRUE(trigger);
  auto hint = subscription_hint(*trigger, "acme");
  EXPECT_NE(hint.find("CTI/acme/7"), std::string::npos);
  EXPECT_NE(hint.find("CTI/acme/+/7"), std::string::npos);
}

}  // namespace
}  // namespace popflow::triggers
