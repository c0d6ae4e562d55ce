#include "history/stored_record.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "workflows/resolver.hpp"

namespace popflow::history {
namespace {

namespace json = boost::json;

// The record keeps static names (string_view) for its channel and unresolved reason: a
// stored one is mapped back to the same names, and anything else is not ours.
std::optional<std::string_view> channel_named(std::string_view name) {
  for (const std::string_view channel : {"CTI", "CRM"})
    if (channel == name) return channel;
  return std::nullopt;
}

std::optional<std::string_view> reason_named(std::string_view name) {
  using workflows::Unresolved;
  for (const auto reason :
       {Unresolved::no_instance, Unresolved::no_publication, Unresolved::not_published_here,
        Unresolved::profile_mismatch, Unresolved::ambiguous_instance})
    if (workflows::to_string(reason) == name) return workflows::to_string(reason);
  return std::nullopt;
}

json::value optional_text(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value();
}

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::optional<std::string> optional_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::int64_t number_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_int64() ? value->get_int64() : 0;
}

}  // namespace

std::string stored_json(const TriggerRecord& r) {
  json::array deliveries;
  for (const auto& d : r.deliveries)
    deliveries.push_back(json::object{{"transport", d.transport},
                                      {"subscriber", d.subscriber},
                                      {"queued", d.queued},
                                      {"at", d.at_ms}});
  json::array runs;
  for (const auto& run : r.runs)
    runs.push_back(json::object{{"outcome", run.outcome},
                                {"json", run.json},
                                {"reporter", run.reporter},
                                {"at", run.reported_at_ms}});
  const auto& resolution = r.resolution;
  return json::serialize(json::object{{"id", r.id},
                                      {"customer", r.customer},
                                      {"channel", r.channel},
                                      {"agentId", r.agent_id},
                                      {"event", r.event},
                                      {"crmId", optional_text(r.crm_id)},
                                      {"ctiId", optional_text(r.cti_id)},
                                      {"receivedAt", r.received_at_ms},
                                      {"test", r.test},
                                      {"workflow", resolution.workflow},
                                      {"reason", resolution.reason},
                                      {"instance", resolution.instance},
                                      {"profile", resolution.profile},
                                      {"didYouMean", resolution.did_you_mean},
                                      {"message", r.message},
                                      {"deliveries", std::move(deliveries)},
                                      {"runs", std::move(runs)}});
}

std::optional<TriggerRecord> from_stored_json(std::string_view text) {
  boost::system::error_code ec;
  const auto parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& o = parsed.get_object();
  const auto channel = channel_named(text_of(o, "channel"));
  const auto reason_text = text_of(o, "reason");
  const auto reason = reason_named(reason_text);
  if (!channel || (!reason_text.empty() && !reason)) return std::nullopt;
  TriggerRecord r;
  r.id = text_of(o, "id");
  r.customer = text_of(o, "customer");
  if (r.id.empty() || r.customer.empty()) return std::nullopt;
  r.channel = *channel;
  r.agent_id = text_of(o, "agentId");
  r.event = text_of(o, "event");
  r.crm_id = optional_of(o, "crmId");
  r.cti_id = optional_of(o, "ctiId");
  r.received_at_ms = number_of(o, "receivedAt");
  const auto* test = o.if_contains("test");
  r.test = test && test->is_bool() && test->get_bool();
  r.resolution.workflow = text_of(o, "workflow");
  r.resolution.reason = reason.value_or("");
  r.resolution.instance = text_of(o, "instance");
  r.resolution.profile = text_of(o, "profile");
  r.resolution.did_you_mean = text_of(o, "didYouMean");
  r.message = text_of(o, "message");
  if (const auto* list = o.if_contains("deliveries"); list && list->is_array())
    for (const auto& entry : list->get_array())
      if (const auto* d = entry.if_object())
        r.deliveries.push_back({text_of(*d, "transport"), text_of(*d, "subscriber"),
                                d->contains("queued") && d->at("queued") == true,
                                number_of(*d, "at")});
  if (const auto* list = o.if_contains("runs"); list && list->is_array())
    for (const auto& entry : list->get_array())
      if (const auto* run = entry.if_object())
        r.runs.push_back({text_of(*run, "outcome"), text_of(*run, "json"),
                          text_of(*run, "reporter"), number_of(*run, "at")});
  return r;
}

}  // namespace popflow::history
