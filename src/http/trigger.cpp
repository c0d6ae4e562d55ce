#include "http/trigger.hpp"

#include <boost/json/serialize.hpp>

#include "topics/topic.hpp"

namespace popflow::http {
namespace {

// The one spelling each field has in messages and error texts, whatever case was sent.
constexpr std::string_view kAgentId = "agentId";
constexpr std::string_view kEvent = "event";
constexpr std::string_view kCtiId = "ctiId";
constexpr std::string_view kCrmId = "crmId";

enum class Need { required, optional };

// A text field; integers are accepted as their decimal text because ids are numbers on
// many telephony platforms.
Checked<std::optional<std::string>> take_text(FieldSet& fields, std::string_view name, Need need) {
  auto value = fields.take(name);
  const std::string field(name);
  if (value.is_null()) {
    if (need == Need::optional) return std::optional<std::string>();
    return bad_request("missing_field", "the required field '" + field + "' is missing; add it",
                       field);
  }
  std::string text;
  if (value.is_string()) {
    text = value.get_string();
  } else if (value.is_int64()) {
    text = std::to_string(value.get_int64());
  } else if (value.is_uint64()) {
    text = std::to_string(value.get_uint64());
  } else {
    return bad_request("invalid_field", "field '" + field + "' must be a string", field);
  }
  if (text.empty())
    return bad_request("invalid_field", "field '" + field + "' is empty; give it a value", field);
  return std::optional<std::string>(std::move(text));
}

// A value that becomes one level of the topic.
Checked<std::optional<std::string>> take_topic_level(FieldSet& fields, std::string_view name,
                                                     Need need) {
  auto text = take_text(fields, name, need);
  if (!text || !*text) return text;
  if (auto problem = topic_segment_problem(**text)) {
    const std::string field(name);
    return bad_request("invalid_field", "field '" + field + "' " + *problem, field);
  }
  return text;
}

}  // namespace

std::string_view to_string(Channel channel) {
  return channel == Channel::cti ? "CTI" : "CRM";
}

Checked<Trigger> make_trigger(Channel channel, FieldSet fields) {
  Trigger trigger;
  trigger.channel = channel;
  auto agent = take_topic_level(fields, kAgentId, Need::required);
  if (!agent) return agent.error();
  trigger.agent_id = std::move(**agent);

  auto event = take_text(fields, kEvent, Need::required);
  if (!event) return event.error();
  trigger.event = std::move(**event);

  if (channel == Channel::cti) {
    auto cti = take_topic_level(fields, kCtiId, Need::optional);
    if (!cti) return cti.error();
    trigger.cti_id = std::move(*cti);
  } else {
    auto crm = take_topic_level(fields, kCrmId, Need::required);
    if (!crm) return crm.error();
    trigger.crm_id = std::move(*crm);
  }
  // Everything else is interaction data, keyed as sent.
  for (const auto& field : fields.fields()) trigger.data.emplace(field.name, field.value);
  return trigger;
}

std::string topic_of(const Trigger& trigger, std::string_view customer) {
  std::string topic(to_string(trigger.channel));
  topic.append("/").append(customer).append("/");
  if (trigger.cti_id) topic.append(*trigger.cti_id).append("/");
  if (trigger.crm_id) topic.append(*trigger.crm_id).append("/");
  topic.append(trigger.agent_id);
  return topic;
}

std::string message_json(const Trigger& trigger, std::string_view customer, std::string_view id,
                         std::string_view received_at) {
  boost::json::object message;
  message.reserve(8);
  message.emplace("id", id);
  message.emplace("channel", to_string(trigger.channel));
  message.emplace("customerId", customer);
  message.emplace(kAgentId, trigger.agent_id);
  message.emplace(kEvent, trigger.event);
  if (trigger.cti_id) message.emplace(kCtiId, *trigger.cti_id);
  if (trigger.crm_id) message.emplace(kCrmId, *trigger.crm_id);
  message.emplace("receivedAt", received_at);
  message.emplace("data", trigger.data);
  return boost::json::serialize(message);
}

std::string subscription_hint(const Trigger& trigger, std::string_view customer) {
  const std::string channel(to_string(trigger.channel));
  const std::string prefix = channel + "/" + std::string(customer) + "/";
  if (trigger.channel == Channel::crm)
    return "agent " + trigger.agent_id + "'s client app should subscribe to " + prefix + "+/" +
           trigger.agent_id;
  return "agent " + trigger.agent_id + "'s client app should subscribe to " + prefix +
         trigger.agent_id + " and " + prefix + "+/" + trigger.agent_id;
}

}  // namespace popflow::http
