#include "triggers/trigger_service.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <initializer_list>
#include <utility>
#include <vector>

#include "../broker/fake_link.hpp"
#include "../store/temp_dir.hpp"
#include "broker/journal.hpp"
#include "topics/delivery_trace.hpp"
#include "topics/router.hpp"

namespace popflow::triggers {
namespace {

constexpr std::string_view kInstance = "acme.example.com";

// An agent's client app as the router sees it: takes every message and notes itself into the
// publisher's delivery trace, as an MQTT session or an SSE stream does. It looks the trigger
// up as it gets it, as a client that reports its run at once would.
class AgentApp : public Subscriber {
 public:
  explicit AgentApp(const history::TriggerHistory& history) : history_(history) {}

  bool deliver(const MessagePtr& message, std::span<const SubscriptionOptions>) override {
    messages.push_back(message);
    recorded_when_delivered.push_back(history_.find(message->id, "acme").has_value());
    DeliveryTrace::note("sse", "agent-1001", false);
    return true;
  }
  std::vector<MessagePtr> messages;
  std::vector<bool> recorded_when_delivered;

 private:
  const history::TriggerHistory& history_;
};

// One instance of customer acme, with "Ring pop" version 2 published to On Ring.
std::shared_ptr<const workflows::Snapshot> ring_pop_catalog() {
  workflows::SnapshotData data;
  workflows::Instance instance;
  instance.customer_id = "acme";
  instance.crm_id = kInstance;
  data.instances = {instance};
  workflows::Publication publication;
  publication.customer_id = "acme";
  publication.crm_id = kInstance;
  publication.event = "On Ring";
  publication.workflow_id = "wf_ring";
  publication.version = 2;
  data.published = {{publication, "Ring pop", R"({"schema":1})"}};
  return std::make_shared<const workflows::Snapshot>(data);
}

auth::Claims api_key(std::uint8_t scope = auth::kScopeCti | auth::kScopeCrm,
                     std::vector<std::string> crm_ids = {}) {
  auth::Claims claims;
  claims.key_id = "k1";
  claims.customer = "acme";
  claims.scope = scope;
  claims.crm_ids = std::move(crm_ids);
  return claims;
}

FieldSet fields(std::initializer_list<std::pair<std::string, std::string>> values) {
  FieldSet out;
  for (const auto& [name, value] : values) EXPECT_TRUE(out.add(name, value.c_str(), {}));
  return out;
}

class TriggerServiceTest : public testing::Test {
 protected:
  TriggerServiceTest() {
    catalog_.replace(ring_pop_catalog());
    router_.subscribe("CTI/acme/1001", &app_, {});
    router_.subscribe("CRM/acme/+/1001", &app_, {});
  }
  ~TriggerServiceTest() override {
    router_.unsubscribe("CTI/acme/1001", &app_);
    router_.unsubscribe("CRM/acme/+/1001", &app_);
  }

  Outcome send(Channel channel, FieldSet trigger_fields, const auth::Claims& claims = api_key(),
               bool test = false) {
    return service_.publish(claims, channel, std::move(trigger_fields),
                            std::chrono::system_clock::now(), test);
  }
  Outcome ring(std::string agent = "1001") {
    return send(Channel::crm,
                fields({{"agentId", agent}, {"event", "On Ring"}, {"crmId", "acme.example.com"}}));
  }
  static Problem problem_of(const Outcome& outcome) {
    EXPECT_FALSE(outcome);
    return outcome ? Problem{} : outcome.error().problem;
  }
  static boost::json::object answer_of(const Outcome& outcome) {
    EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().problem.message);
    return outcome ? boost::json::parse(outcome->answer).as_object() : boost::json::object{};
  }

  Config config_;
  Router router_;
  broker::Broker broker_{router_, broker::SessionLimits{}};
  RateLimiter rate_limiter_{1000, 1000};
  workflows::PublishedCatalog catalog_;
  history::TriggerHistory history_;
  TriggerService service_{config_, broker_, rate_limiter_, catalog_, history_};
  AgentApp app_{history_};
};

TEST_F(TriggerServiceTest, RateLimitedKeyIsRefusedWithTheSecondsToWait) {
  RateLimiter one_a_second(1, 1);
  TriggerService service(config_, broker_, one_a_second, catalog_, history_);
  const auto now = std::chrono::system_clock::now();
  auto first = fields({{"agentId", "1001"}, {"event", "On Ring"}});
  ASSERT_TRUE(service.publish(api_key(), Channel::cti, std::move(first), now));
  const auto second = service.publish(api_key(), Channel::cti,
                                      fields({{"agentId", "1001"}, {"event", "On Ring"}}), now);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().problem.status, 429);
  EXPECT_EQ(second.error().problem.code, "rate_limited");
  EXPECT_EQ(second.error().retry_after, std::chrono::seconds(1));
  EXPECT_EQ(app_.messages.size(), 1u);  // the refused one was not published
}

// The store not keeping up with what persistent sessions queue: refused until it catches up,
// rather than holding ever more in memory.
TEST_F(TriggerServiceTest, JournalFallingBehindIsRefusedWithTheSecondsToWait) {
  testing_support::TempDir dir;
  broker::Journal journal(dir.file("popflow.db"), false);  // not started: entries stay unwritten
  Router router;
  broker::Broker durable(router, broker::SessionLimits{}, &journal);
  broker::FakeLink link;
  auto offline = durable.attach("agent-1001", broker::customer_identity("acme"), true,
                                std::chrono::hours(1), &link);
  durable.subscribe(*offline.session, "CTI/acme/1001",
                    {{}, "CTI/acme/1001", broker::qos_options(1)});
  durable.detach(offline.session, &link, std::nullopt);
  // The session's own entries are the most the journal may hold: one trigger more is too many.
  config_.durability_max_backlog = journal.backlog();
  TriggerService service(config_, durable, rate_limiter_, catalog_, history_);
  const auto now = std::chrono::system_clock::now();
  const auto queued = service.publish(api_key(), Channel::cti,
                                      fields({{"agentId", "1001"}, {"event", "On Ring"}}), now);
  ASSERT_TRUE(queued);
  EXPECT_NE(queued->journal_seq, 0u);  // the answer waits for the journal to write it
  const auto refused = service.publish(api_key(), Channel::cti,
                                       fields({{"agentId", "1001"}, {"event", "On Ring"}}), now);
  EXPECT_EQ(problem_of(refused).status, 503);
  EXPECT_EQ(problem_of(refused).code, "overloaded");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().retry_after, std::chrono::seconds(1));
}

TEST_F(TriggerServiceTest, KeyWithoutTheChannelsScopeIsRefused) {
  const auto refused = send(Channel::cti, fields({{"agentId", "1001"}, {"event", "On Ring"}}),
                            api_key(auth::kScopeCrm));
  EXPECT_EQ(problem_of(refused).status, 403);
  EXPECT_EQ(problem_of(refused).code, "scope_denied");
  EXPECT_TRUE(app_.messages.empty());
}

TEST_F(TriggerServiceTest, CrmIdTheKeyWasNotIssuedForIsRefused) {
  const auto refused =
      send(Channel::crm,
           fields({{"agentId", "1001"}, {"event", "On Ring"}, {"crmId", kInstance.data()}}),
           api_key(auth::kScopeCrm, {"other.example.com"}));
  EXPECT_EQ(problem_of(refused).status, 403);
  EXPECT_EQ(problem_of(refused).code, "crm_id_denied");
  EXPECT_EQ(problem_of(refused).field, "crmId");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().agent_id, "1001");  // the access log says whose it was
  EXPECT_TRUE(app_.messages.empty());
  EXPECT_TRUE(ring());  // a key for any CRM ID may
}

TEST_F(TriggerServiceTest, InvalidFieldIsRefusedNamingIt) {
  const auto slash = send(Channel::cti, fields({{"agentId", "10/01"}, {"event", "On Ring"}}));
  EXPECT_EQ(problem_of(slash).status, 400);
  EXPECT_EQ(problem_of(slash).code, "invalid_field");
  EXPECT_EQ(problem_of(slash).field, "agentId");
  const auto no_event = send(Channel::cti, fields({{"agentId", "1001"}}));
  EXPECT_EQ(problem_of(no_event).code, "missing_field");
  EXPECT_EQ(problem_of(no_event).field, "event");
  EXPECT_TRUE(app_.messages.empty());
}

TEST_F(TriggerServiceTest, PublishedTriggerNamesItsWorkflowTopicAndDeliveries) {
  const auto published = ring();
  const auto answer = answer_of(published);
  ASSERT_TRUE(published);
  EXPECT_EQ(answer.at("status"), "ok");
  EXPECT_EQ(answer.at("id").as_string(), published->id());
  EXPECT_EQ(answer.at("topic"), "CRM/acme/acme.example.com/1001");
  EXPECT_EQ(answer.at("delivered"), 1);
  EXPECT_EQ(answer.at("workflow"), boost::json::parse(R"({"id": "wf_ring", "name": "Ring pop",
      "version": 2, "instance": "acme.example.com"})"));
  EXPECT_FALSE(answer.contains("warnings"));
  EXPECT_EQ(published->topic(), "CRM/acme/acme.example.com/1001");
  EXPECT_EQ(published->delivered, 1u);
  EXPECT_EQ(published->journal_seq, 0u);  // no persistent session: nothing to write
  EXPECT_FALSE(published->unresolved);

  ASSERT_EQ(app_.messages.size(), 1u);
  EXPECT_EQ(app_.messages[0], published->message);
  const auto timeline = history_.find(published->id(), "acme");
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->topic, published->topic());
  EXPECT_EQ(timeline->message, published->message->payload);
  EXPECT_EQ(boost::json::parse(timeline->resolution.workflow), answer.at("workflow"));
  ASSERT_EQ(timeline->deliveries.size(), 1u);
  EXPECT_EQ(timeline->deliveries[0].transport, "sse");
  EXPECT_EQ(timeline->deliveries[0].subscriber, "agent-1001");
}

// An agent's client reporting its run (POST /api/triggers/{id}/runs) the moment it has the
// message finds the trigger, rather than a 404.
TEST_F(TriggerServiceTest, TimelineIsRecordedBeforeTheMessageReachesAnyone) {
  ASSERT_TRUE(ring());
  ASSERT_TRUE(send(Channel::cti, fields({{"agentId", "1001"}, {"event", "On Ring"}})));
  EXPECT_EQ(app_.recorded_when_delivered, (std::vector<bool>{true, true}));
}

TEST_F(TriggerServiceTest, UnresolvedEventWarnsAndSuggestsThePublishedName) {
  const auto published = send(Channel::cti, fields({{"agentId", "1001"}, {"event", "On ring"}}));
  const auto answer = answer_of(published);
  ASSERT_TRUE(published);
  EXPECT_EQ(published->unresolved, workflows::Unresolved::no_publication);
  EXPECT_EQ(answer.at("delivered"), 1);  // delivered all the same: the client decides
  EXPECT_FALSE(answer.contains("workflow"));
  EXPECT_EQ(answer.at("didYouMean"), "On Ring");
  ASSERT_EQ(answer.at("warnings").as_array().size(), 1u);
  EXPECT_NE(answer.at("warnings").as_array()[0].as_string().find("event 'On ring'"),
            std::string::npos);
  EXPECT_EQ(history_.find(published->id(), "acme")->resolution.reason, "no_publication");
}

TEST_F(TriggerServiceTest, NobodySubscribedWarnsWithTheTopicsToSubscribeTo) {
  const auto answer = answer_of(ring("2002"));
  EXPECT_EQ(answer.at("delivered"), 0);
  ASSERT_EQ(answer.at("warnings").as_array().size(), 1u);
  const std::string_view warning = answer.at("warnings").as_array()[0].as_string();
  EXPECT_NE(warning.find("CRM/acme/+/2002"), std::string::npos) << warning;
}

TEST_F(TriggerServiceTest, TestTriggerIsMarkedInTheMessageAndTheTimeline) {
  const auto published = send(Channel::cti, fields({{"agentId", "1001"}, {"event", "On Ring"}}),
                              api_key(), /*test=*/true);
  ASSERT_TRUE(published);
  EXPECT_EQ(boost::json::parse(published->message->payload).at("test"), true);
  EXPECT_TRUE(history_.find(published->id(), "acme")->test);
  const auto live = ring();
  ASSERT_TRUE(live);
  EXPECT_FALSE(boost::json::parse(live->message->payload).as_object().contains("test"));
}

}  // namespace
}  // namespace popflow::triggers
