// Support engineers' view of triggers (CONTRACT "Admin API"): the recent ones, newest first,
// each one's timeline, and test triggers sent through the same path as a real one.
#include <boost/asio/post.hpp>

#include "admin/handlers.hpp"
#include "broker/broker.hpp"
#include "http/connect_api.hpp"
#include "http/json_body.hpp"
#include "http/responses.hpp"
#include "http/timeline.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

// Sends `answer`: a refusal at once; a published trigger to the session, which settles it
// once the journal (and, with --redis, Redis) has taken it, as it settles a real one.
void settle_then_respond(http::TriggerAnswer answer, const http::Respond& respond) {
  if (auto* response = std::get_if<http::Response>(&answer)) return respond(std::move(*response));
  respond(std::move(std::get<http::PendingTrigger>(answer)));
}

}  // namespace

Checked<Reply> list_triggers(AdminCall& call) {
  history::HistoryQuery query;
  query.customer = call.customer;
  if (auto agent = call.query_value("agent"); !agent.empty()) query.agent = std::move(agent);
  if (auto event = call.query_value("event"); !event.empty()) query.event = std::move(event);
  const auto limit = call.page_limit(query.limit, 500);
  if (!limit) return limit.error();
  query.limit = *limit;
  const auto before = call.query_integer("before");
  if (!before) return before.error();
  query.before_ms = *before;
  const auto since = call.query_integer("since");
  if (!since) return since.error();
  query.since_ms = *since;
  const auto records = call.worker.state().history.recent(query);
  json::array list;
  for (const auto& record : records) list.push_back(http::summary_json(record));
  json::value next =
      records.size() == query.limit ? json::value(records.back().received_at_ms) : json::value();
  return json_reply(200, {{"triggers", std::move(list)}, {"next", std::move(next)}});
}

Checked<Reply> get_trigger(AdminCall& call) {
  const auto record = call.worker.state().history.find(call.params["id"], call.customer);
  if (!record)
    return Problem{404, "not_found",
                   "no trigger '" + std::string(call.params["id"]) +
                       "' in this customer's history (kept for trigger_history)",
                   ""};
  return json_reply(200, http::timeline_json(*record));
}

Checked<Reply> send_test_trigger(AdminCall& call) {
  if (auto known =
          http::only_members(call.body, {"channel", "agentId", "event", "crmId", "ctiId", "data"});
      !known)
    return known.error();
  auto channel_name = http::string_member(call.body, "channel");
  if (!channel_name) return channel_name.error();
  if (*channel_name != "CTI" && *channel_name != "CRM")
    return bad_request("invalid_field", "field 'channel' must be CTI or CRM", "channel");
  const auto channel = *channel_name == "CTI" ? triggers::Channel::cti : triggers::Channel::crm;
  // The trigger's fields as a Connect API body: the data's members beside agentId & co.
  json::object fields;
  for (const auto* name : {"agentId", "event", "crmId", "ctiId"})
    if (const auto* value = call.body.if_contains(name)) fields[name] = *value;
  if (const auto* data = call.body.if_contains("data"); data && !data->is_null()) {
    if (!data->is_object())
      return bad_request("invalid_field", "field 'data' must be an object", "data");
    for (const auto& member : data->get_object()) {
      if (fields.contains(member.key()))
        return bad_request(
            "invalid_field",
            "data may not hold '" + std::string(member.key()) + "': it is a trigger field", "data");
      fields[member.key()] = member.value();
    }
  }
  call.audit(
      "trigger.test",
      "agent:" + std::string(fields.contains("agentId") ? json::serialize(fields["agentId"]) : ""),
      "", json::serialize(call.body));
  Reply reply;
  reply.later = [&worker = call.worker, channel, text = json::serialize(fields),
                 sender = http::TestSender{call.customer, call.caller.actor()},
                 version = call.http_version](http::Respond respond) {
    boost::asio::post(
        worker.io(), [&worker, channel, text, sender, version, respond = std::move(respond)] {
          http::Request stub;
          stub.version(version);
          http::RequestInfo info;
          auto answer = http::handle_test_trigger(stub, channel, text, sender, worker, info);
          settle_then_respond(std::move(answer), respond);
        });
  };
  return reply;
}

}  // namespace popflow::admin
