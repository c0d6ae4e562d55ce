#include "http/timeline.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "broker/identity.hpp"

#include "core/time.hpp"

namespace popflow::http {
namespace {

namespace json = boost::json;

std::string iso(std::int64_t unix_ms) {
  return format_iso8601_ms(SystemTime(std::chrono::milliseconds(unix_ms)));
}

json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value() : value;
}

json::object resolution_json(const history::ResolutionNote& note) {
  json::object out;
  if (!note.workflow.empty()) {
    out["workflow"] = parsed(note.workflow);
  } else {
    out["reason"] = note.reason;
    if (!note.did_you_mean.empty()) out["didYouMean"] = note.did_you_mean;
    if (!note.instance.empty()) out["instance"] = note.instance;
  }
  if (!note.profile.empty()) out["profile"] = note.profile;
  return out;
}

json::object base(const history::TriggerRecord& r) {
  json::object out{{"id", r.id},
                   {"channel", r.channel},
                   {"agentId", r.agent_id},
                   {"event", r.event},
                   {"topic", r.topic},
                   {"receivedAt", iso(r.received_at_ms)},
                   {"test", r.test},
                   {"resolution", resolution_json(r.resolution)}};
  if (r.crm_id) out["crmId"] = *r.crm_id;
  if (r.cti_id) out["ctiId"] = *r.cti_id;
  json::array deliveries;
  for (const auto& d : r.deliveries)
    deliveries.push_back({{"transport", d.transport},
                          {"subscriber", d.subscriber},
                          {"state", d.queued ? "queued" : "sent"},
                          {"at", iso(d.at_ms)}});
  out["delivered"] = r.deliveries.size();
  out["deliveries"] = std::move(deliveries);
  return out;
}

}  // namespace

json::value run_json(const history::Run& run) {
  auto value = parsed(run.json);
  if (value.is_object()) value.get_object()["reportedAt"] = iso(run.reported_at_ms);
  return value;
}

json::object summary_json(const history::TriggerRecord& record) {
  auto out = base(record);
  out.erase("deliveries");
  out["runs"] = record.runs.size();
  out["outcome"] = record.runs.empty() ? json::value() : json::value(record.runs.front().outcome);
  return out;
}

json::object timeline_json(const history::TriggerRecord& record) {
  auto out = base(record);
  out["message"] = parsed(record.message);
  json::array runs;
  for (const auto& run : record.runs) runs.push_back(run_json(run));
  out["runs"] = std::move(runs);
  // The story in time order, for the person asking "why didn't it pop?".
  json::array story;
  story.push_back({{"at", iso(record.received_at_ms)}, {"what", "received"}});
  const auto resolution = resolution_json(record.resolution);
  const auto* workflow = resolution.if_contains("workflow");
  if (workflow)
    story.push_back(
        {{"at", iso(record.received_at_ms)}, {"what", "resolved"}, {"workflow", *workflow}});
  else
    story.push_back(
        {{"at", iso(record.received_at_ms)}, {"what", "unresolved"}, {"detail", resolution}});
  for (const auto& d : record.deliveries)
    story.push_back({{"at", iso(d.at_ms)},
                     {"what", d.queued ? "queued" : "delivered"},
                     {"transport", d.transport},
                     {"subscriber", d.subscriber}});
  if (record.deliveries.empty())
    story.push_back({{"at", iso(record.received_at_ms)}, {"what", "no_subscriber"}});
  for (const auto& run : record.runs)
    story.push_back({{"at", iso(run.reported_at_ms)}, {"what", "run"}, {"outcome", run.outcome}});
  out["story"] = std::move(story);
  return out;
}

std::string monitor_topic(std::string_view customer) {
  return std::string(broker::kServerTopicPrefix) + "monitor/" + std::string(customer);
}

void publish_monitor_event(net::ServerState& state, std::string_view customer,
                           const json::object& event) {
  auto message = std::make_shared<Message>();
  message->topic = monitor_topic(customer);
  message->payload = json::serialize(event);
  state.router.publish(message);
}

}  // namespace popflow::http
