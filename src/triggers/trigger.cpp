#include "triggers/trigger.hpp"

#include "core/json_text.hpp"
#include "topics/topic.hpp"

namespace popflow::triggers {
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

// Appends JSON to one string as it goes, with Boost.JSON's serializer doing every string and
// value (so the output is what serialize() of the equivalent object gives), but without
// building that object first: the object cost ~9k instructions per trigger in allocations,
// key hashing and a deep copy of the data (callgrind, bench/callgrind.sh); this a third.
class JsonAppender {
 public:
  explicit JsonAppender(std::string& out) : out_(out) {}

  void string(std::string_view text) { quoter_.append(out_, text); }
  // ,"name": (no comma right after an opening brace); names are our own constants. In as few
  // appends as it takes: each one checks the capacity (callgrind: ~10% of message_json).
  void name(std::string_view name) {
    out_.append(out_.back() == '{' ? std::string_view("\"") : std::string_view(",\""));
    out_.append(name).append("\":");
  }
  void member(std::string_view name, std::string_view value) {
    this->name(name);
    string(value);
  }
  // {"name":value,...} of the interaction data, each value as sent: its literal when it has
  // one (numbers, nested data), else the value serialized.
  void data(const std::vector<Field>& fields) {
    out_.push_back('{');
    for (const auto& field : fields) {
      if (out_.back() != '{') out_.push_back(',');
      string(field.name);
      out_.push_back(':');
      if (!field.literal.empty())
        out_.append(field.literal.data(), field.literal.size());
      else
        quoter_.append_value(out_, field.value);
    }
    out_.push_back('}');
  }

 private:
  std::string& out_;
  JsonQuoter quoter_;
};

}  // namespace

std::string_view to_string(Channel channel) {
  return channel == Channel::cti ? "CTI" : "CRM";
}

Checked<Trigger> make_trigger(Channel channel, FieldSet fields) {
  Trigger trigger(channel);
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
  // Everything else is interaction data, keyed as sent: the fields' own vector, the taken
  // ones moved out of it (no copy of a value; they are in the fields' storage).
  trigger.data = fields.take_all();
  std::erase_if(trigger.data, [](const Field& field) { return field.taken; });
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
  std::string out = "{";
  out.reserve(256);
  JsonAppender json(out);
  json.member("id", id);
  json.member("channel", to_string(trigger.channel));
  json.member("customerId", customer);
  json.member(kAgentId, trigger.agent_id);
  json.member(kEvent, trigger.event);
  if (trigger.cti_id) json.member(kCtiId, *trigger.cti_id);
  if (trigger.crm_id) json.member(kCrmId, *trigger.crm_id);
  json.member("receivedAt", received_at);
  if (trigger.test) {
    json.name("test");
    out.append("true");
  }
  json.name("data");
  json.data(trigger.data);
  out.push_back('}');
  return out;
}

std::string accepted_json(const Accepted& accepted) {
  std::string out = R"({"status":"ok")";
  out.reserve(160 + (accepted.workflow ? accepted.workflow->json.size() : 0) +
              (accepted.warnings.empty() ? 0 : 256));
  JsonAppender json(out);
  json.member("id", accepted.id);
  json.member("topic", accepted.topic);
  json.name("delivered");
  out.append(std::to_string(accepted.delivered));
  if (const auto& workflow = accepted.workflow) {
    json.name("workflow");
    out.append(workflow->json);
  }
  if (!accepted.warnings.empty()) {
    json.name("warnings");
    out.push_back('[');
    for (std::size_t i = 0; i < accepted.warnings.size(); ++i) {
      if (i) out.push_back(',');
      json.string(accepted.warnings[i]);
    }
    out.push_back(']');
  }
  if (accepted.did_you_mean) json.member("didYouMean", *accepted.did_you_mean);
  out.push_back('}');
  return out;
}

std::string unresolved_warning(const Trigger& trigger, const workflows::Resolution& resolution) {
  using workflows::Unresolved;
  const auto reason = resolution.reason.value_or(Unresolved::no_publication);
  std::string event;
  event.reserve(trigger.event.size() + 2);
  event.append("'").append(trigger.event).append("'");
  const std::string_view instance = resolution.instance.value_or("");
  switch (reason) {
    case Unresolved::no_instance:
      return "CRM ID '" + trigger.crm_id.value_or("") +
             "' is no instance of this customer, so no workflow runs; add the instance or "
             "check the crmId";
    case Unresolved::not_published_here:
      return "no workflow is published to event " + event + " in instance '" +
             std::string(instance) + "' (another instance has one); publish one there";
    case Unresolved::profile_mismatch:
      return "the workflows published to event " + event + " in instance '" +
             std::string(instance) + "' are for other profiles than agent '" + trigger.agent_id +
             "'s (" + std::string(resolution.profile.value_or("none")) +
             "); publish one to that profile or to all profiles";
    case Unresolved::ambiguous_instance:
      return "event " + event + " is published in several instances and agent '" +
             trigger.agent_id +
             "' is in no instance's agent directory; add the agent to one, or send a CRM "
             "trigger with its crmId";
    case Unresolved::no_publication:
      break;
  }
  // The common case (a customer without workflows for this event): one allocation.
  constexpr std::string_view kHead = "no workflow is published to event ";
  constexpr std::string_view kTail =
      " in this customer; check the event name (exact case and spaces) and that a workflow is "
      "published to it";
  std::string warning;
  warning.reserve(kHead.size() + event.size() + kTail.size() + 64);
  warning.append(kHead).append(event).append(kTail);
  if (resolution.did_you_mean)
    warning.append("; did you mean '").append(*resolution.did_you_mean).append("'?");
  return warning;
}

std::string subscription_hint(const Trigger& trigger, std::string_view customer) {
  const auto& agent = trigger.agent_id;
  std::string prefix(to_string(trigger.channel));
  prefix.append("/").append(customer).append("/");
  std::string hint = "agent ";
  hint.reserve(64 + 3 * agent.size() + 2 * prefix.size());
  hint.append(agent).append("'s client app should subscribe to ");
  if (trigger.channel == Channel::cti) hint.append(prefix).append(agent).append(" and ");
  hint.append(prefix).append("+/").append(agent);
  return hint;
}

}  // namespace popflow::triggers
