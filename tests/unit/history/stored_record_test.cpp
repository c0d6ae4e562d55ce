#include "history/stored_record.hpp"

#include <gtest/gtest.h>

namespace popflow::history {
namespace {

TriggerRecord full_record() {
  TriggerRecord r;
  r.id = "01a2247f-3ac6-7000-b96f-7592d767c9aa";
  r.customer = "acme";
  r.channel = "CRM";
  r.agent_id = "1001";
  r.event = "On Ring";
  r.crm_id = "acme.crm.example.com";
  r.received_at_ms = 1'800'000'000'123;
  r.test = true;
  r.resolution.workflow = R"({"id":"wf-1","name":"Ring pop","version":3})";
  r.resolution.profile = "Tier 1";
  r.message = R"({"event":"On Ring","data":{"ani":"555"}})";
  r.deliveries = {{"mqtt", "agent-1001", false, r.received_at_ms},
                  {"sse", "key-7", true, r.received_at_ms}};
  r.runs = {{"executed", R"({"outcome":"executed"})", "key-7", r.received_at_ms + 40}};
  return r;
}

TEST(StoredRecord, EveryFieldRoundTrips) {
  const auto in = full_record();
  const auto out = from_stored_json(stored_json(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->id, in.id);
  EXPECT_EQ(out->customer, "acme");
  EXPECT_EQ(out->channel, "CRM");
  EXPECT_EQ(out->crm_id, in.crm_id);
  EXPECT_FALSE(out->cti_id);
  EXPECT_EQ(out->received_at_ms, in.received_at_ms);
  EXPECT_TRUE(out->test);
  EXPECT_EQ(out->resolution.workflow, in.resolution.workflow);
  EXPECT_EQ(out->resolution.profile, "Tier 1");
  EXPECT_EQ(out->message, in.message);
  ASSERT_EQ(out->deliveries.size(), 2u);
  EXPECT_EQ(out->deliveries[1].subscriber, "key-7");
  EXPECT_TRUE(out->deliveries[1].queued);
  ASSERT_EQ(out->runs.size(), 1u);
  EXPECT_EQ(out->runs[0].json, in.runs[0].json);
  EXPECT_EQ(out->runs[0].reported_at_ms, in.received_at_ms + 40);
}

// The record holds static names for its channel and reason: a stored one maps back to them.
TEST(StoredRecord, AnUnresolvedReasonComesBackAsTheSameName) {
  auto in = full_record();
  in.resolution.workflow.clear();
  in.resolution.reason = "no_publication";
  in.resolution.did_you_mean = "On Ring";
  const auto out = from_stored_json(stored_json(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->resolution.reason, "no_publication");
  EXPECT_EQ(out->resolution.did_you_mean, "On Ring");
}

TEST(StoredRecord, TextThatIsNotARecordIsRefused) {
  EXPECT_FALSE(from_stored_json("not json"));
  EXPECT_FALSE(from_stored_json("[]"));
  EXPECT_FALSE(from_stored_json(R"({"id":"t1","customer":"acme","channel":"FAX"})"));
  EXPECT_FALSE(from_stored_json(R"({"id":"t1","customer":"acme","channel":"CTI","reason":"x"})"));
  EXPECT_FALSE(from_stored_json(R"({"customer":"acme","channel":"CTI"})"));
}

}  // namespace
}  // namespace popflow::history
