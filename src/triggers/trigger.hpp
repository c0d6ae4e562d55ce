#pragma once
// A Connect API trigger (CONTRACT "The Connect API"): which agent, which event, and the
// interaction data, validated and turned into the topic and the message subscribers get.
//
// No I/O and no authentication here: the caller authenticates first, then calls
// make_trigger() on the remaining fields. Runs on the request's event loop.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"
#include "triggers/field_set.hpp"
#include "workflows/resolver.hpp"

namespace popflow::triggers {

enum class Channel { cti, crm };

std::string_view to_string(Channel channel);  // "CTI", "CRM"

struct Trigger {
  explicit Trigger(Channel channel) : channel(channel) {}

  Channel channel;
  std::string agent_id;
  std::string event;
  std::optional<std::string> cti_id;  // CTI only
  std::optional<std::string> crm_id;  // CRM only, required there
  bool test = false;  // sent by /api/admin/test-trigger: the message says "test": true
  // Every other field, in the order sent; their values and literals are in the fields'
  // storage. A vector, not a boost::json::object: the object would hash each key and could
  // not hold a number's literal.
  std::vector<Field> data;
};

// Takes agentId, event, ctiId/crmId out of `fields` and keeps the rest as data, in the
// same JSON storage (which must outlive the trigger). The API
// key field ("jwt") must already have been taken out. Numeric agent ids become their
// decimal text (telephony platforms send 1001 as often as "1001").
Checked<Trigger> make_trigger(Channel channel, FieldSet fields);

// CTI/<customer>/<agent>, CTI/<customer>/<ctiId>/<agent> or CRM/<customer>/<crmId>/<agent>.
std::string topic_of(const Trigger& trigger, std::string_view customer);

// The message delivered on the topic (CONTRACT "The message delivered on the topic"). Data
// values are written as sent: a field's literal when it has one (numbers, nested values),
// else its value serialized.
std::string message_json(const Trigger& trigger, std::string_view customer, std::string_view id,
                         std::string_view received_at);

// What the 200 answer to a trigger says (CONTRACT "Responses" and "What a trigger's answer
// adds"): {"status":"ok","id":…,"topic":…,"delivered":N}, then "workflow":{id, name, version,
// instance} when the event resolved to a published workflow, "warnings":[…] when there are
// any, and "didYouMean" for a near miss of a published event's name.
struct Accepted {
  std::string_view id;
  std::string_view topic;
  std::size_t delivered = 0;
  std::optional<workflows::ResolvedWorkflow> workflow;
  std::vector<std::string> warnings;
  std::optional<std::string> did_you_mean;
};
std::string accepted_json(const Accepted& accepted);

// The warning for a trigger whose event resolved to no workflow (`reason`), naming the event
// and what to check, in the words of the seed's troubleshooting section.
std::string unresolved_warning(const Trigger& trigger, const workflows::Resolution& resolution);

// What an agent's client app should subscribe to, for the warning when nobody received it.
std::string subscription_hint(const Trigger& trigger, std::string_view customer);

}  // namespace popflow::triggers
