#include "triggers/trigger_service.hpp"

#include <algorithm>

#include "core/message_id.hpp"
#include "core/time.hpp"
#include "topics/delivery_trace.hpp"

namespace popflow::triggers {
namespace {

std::uint8_t scope_bit(Channel channel) {
  return channel == Channel::cti ? auth::kScopeCti : auth::kScopeCrm;
}

// A node that cannot reach Redis reconnects with a backoff capped at 2 s (cluster::LinkOptions):
// by then a Redis that came back is reached again.
constexpr std::chrono::seconds kBackplaneRetryAfter{2};

workflows::Channel catalog_channel(Channel channel) {
  return channel == Channel::cti ? workflows::Channel::cti : workflows::Channel::crm;
}

std::int64_t unix_ms(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// What the timeline keeps of a trigger about to be published: views the history copies into
// its ring. The deliveries are added once the publish has made them.
history::RecordView timeline_of(const Trigger& trigger, std::string_view customer,
                                const Message& message, const workflows::Resolution& resolution,
                                std::int64_t now_ms) {
  history::RecordView view;
  view.id = message.id;
  view.customer = customer;
  view.channel = to_string(trigger.channel);
  view.agent_id = trigger.agent_id;
  view.event = trigger.event;
  view.crm_id = trigger.crm_id;
  view.cti_id = trigger.cti_id;
  view.received_at_ms = now_ms;
  view.test = trigger.test;
  if (const auto& workflow = resolution.workflow) {
    view.workflow = workflow->shared_json ? *workflow->shared_json
                                          : std::make_shared<const std::string>(workflow->json);
  } else {
    view.reason = workflows::to_string(*resolution.reason);
    if (resolution.did_you_mean) view.did_you_mean = *resolution.did_you_mean;
    view.instance = resolution.instance.value_or("");
  }
  view.profile = resolution.profile.value_or("");
  view.message = message.payload;
  return view;
}

}  // namespace

void throw_exception_from_error(const Refusal& refusal, const boost::source_location& location) {
  popflow::throw_exception_from_error(refusal.problem, location);
}

TriggerService::TriggerService(const Config& config, broker::Broker& broker,
                               RateLimiter& rate_limiter,
                               const workflows::PublishedCatalog& catalog,
                               history::TriggerHistory& history)
    : config_(config),
      broker_(broker),
      rate_limiter_(rate_limiter),
      catalog_(catalog),
      history_(history) {}

// What is refused before the fields are read: the store falling behind, the key's rate and
// its scope.
std::optional<Refusal> TriggerService::admit(const auth::Claims& claims, Channel channel) {
  // The store cannot keep up with what persistent sessions queue: refuse rather than let the
  // backlog (and the memory it holds) grow without bound.
  if (const auto* journal = broker_.journal();
      journal && journal->backlog() > config_.durability_max_backlog)
    return Refusal{
        .problem = {503, "overloaded",
                    "the server is overloaded; retry in a second or on another node", ""},
        .retry_after = std::chrono::seconds(1)};
  // With --redis, a 200 says the trigger went to every node: while this node cannot hand it
  // to Redis it is refused, not published to this node's subscribers alone, and its sender
  // retries (the same Idempotency-Key is safe: nothing was published or remembered).
  if (backplane_ && !backplane_->accepting()) {
    backplane_->count_refused();
    return Refusal{.problem = {503, "backplane_unavailable",
                               "this node cannot reach the other nodes (Redis is unreachable); "
                               "retry in a few seconds or on another node",
                               ""},
                   .retry_after = kBackplaneRetryAfter};
  }
  if (auto wait = rate_limiter_.acquire(claims.key_id)) {
    const std::chrono::seconds seconds(std::max<long>(1, (wait->count() + 999) / 1000));
    return Refusal{.problem = {429, "rate_limited",
                               "this API key sent more than " + std::to_string(config_.rate_limit) +
                                   " triggers per second; retry after " +
                                   std::to_string(seconds.count()) + " s",
                               ""},
                   .retry_after = seconds};
  }
  if ((claims.scope & scope_bit(channel)) == 0)
    return Refusal{.problem =
                       forbidden("scope_denied", "this API key may not send " +
                                                     std::string(to_string(channel)) +
                                                     " triggers; issue a key with that scope")};
  return std::nullopt;
}

Outcome TriggerService::publish(const auth::Claims& claims, Channel channel, FieldSet fields,
                                std::chrono::system_clock::time_point now, bool test) {
  if (auto refusal = admit(claims, channel)) return std::move(*refusal);
  auto trigger = make_trigger(channel, std::move(fields));
  if (!trigger) return Refusal{.problem = trigger.error()};
  trigger->test = test;
  const auto& customer = claims.customer;
  const auto& crm_ids = claims.crm_ids;
  if (trigger->crm_id && !crm_ids.empty() &&
      std::ranges::find(crm_ids, *trigger->crm_id) == crm_ids.end())
    return Refusal{.problem = forbidden("crm_id_denied",
                                        "this API key may not send triggers for CRM ID '" +
                                            *trigger->crm_id + "'; use a key issued for it",
                                        "crmId"),
                   .agent_id = std::move(trigger->agent_id),
                   .event = std::move(trigger->event)};

  auto message = std::make_shared<Message>();
  message->id = next_message_id();
  message->topic = topic_of(*trigger, customer);
  message->payload = message_json(*trigger, customer, message->id, format_iso8601_ms(now));
  // QoS 1 with an expiry: an agent whose app briefly lost its connection still gets the pop
  // on reconnect, but never a stale one.
  message->qos = 1;
  message->expires_at = std::chrono::steady_clock::now() + config_.trigger_expiry;

  // Which workflow the agent's client will run: a lookup in the in-memory snapshot, never a
  // store read. The trigger is delivered either way; the client decides (CONTRACT).
  const auto catalog = catalog_.current();
  const auto resolution = catalog->resolve(customer, catalog_channel(channel), trigger->crm_id,
                                           trigger->agent_id, trigger->event);
  // The timeline before the publish: an agent's client may report its run (POST
  // /api/triggers/{id}/runs) as soon as it has the message, before this call returns.
  history_.record(timeline_of(*trigger, customer, *message, resolution, unix_ms(now)),
                  unix_ms(now));
  DeliveryTrace trace;
  broker::PublishReceipt receipt;
  {
    const DeliveryTrace::Scope tracing(trace);
    receipt = broker_.publish(message);
  }
  history_.add_deliveries(message->id, trace.notes);

  Accepted accepted{message->id, message->topic, receipt.delivered, resolution.workflow, {}, {}};
  if (receipt.delivered == 0)
    accepted.warnings.push_back("no client is subscribed to " + message->topic + "; " +
                                subscription_hint(*trigger, customer));
  if (!resolution.workflow) {
    accepted.warnings.push_back(unresolved_warning(*trigger, resolution));
    accepted.did_you_mean = resolution.did_you_mean;
  }
  auto answer = accepted_json(accepted);
  return Published{.message = std::move(message),
                   .answer = std::move(answer),
                   .delivered = receipt.delivered,
                   .journal_seq = receipt.journal_seq,
                   .unresolved = resolution.reason,
                   .agent_id = std::move(trigger->agent_id),
                   .event = std::move(trigger->event)};
}

}  // namespace popflow::triggers
