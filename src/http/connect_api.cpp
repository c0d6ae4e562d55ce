#include "http/connect_api.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "core/duration.hpp"
#include "core/time.hpp"
#include "http/bearer.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "http/timeline.hpp"

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;
using triggers::Channel;

FieldLimits limits_of(const Config& config) {
  return {config.max_fields, config.max_depth, config.max_value_bytes};
}

enum class MediaType { none, json, form, other };

// The media type, without parameters and in any case: "Application/JSON; charset=utf-8" is
// JSON.
MediaType media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type.empty()) return MediaType::none;
  if (boost::beast::iequals(type, "application/json")) return MediaType::json;
  if (boost::beast::iequals(type, "application/x-www-form-urlencoded")) return MediaType::form;
  return MediaType::other;
}

bool opens_an_object(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{';
}

// Fields from the query string and, for POST, the body.
Checked<FieldSet> read_fields(const Request& request, std::string_view query,
                              const FieldLimits& limits, boost::json::storage_ptr storage) {
  FieldSet fields(std::move(storage));
  if (auto added = add_form_fields(query, limits, fields); !added) return added.error();
  if (request.method() != bhttp::verb::post || request.body().empty()) return fields;

  const auto type = media_type(request[bhttp::field::content_type]);
  // Platforms post JSON without a Content-Type, and `curl -d '{...}'` labels it a form: a
  // body that opens like a JSON object is read as one (no form field name starts with '{').
  const bool looks_like_json =
      (type == MediaType::none || type == MediaType::form) && opens_an_object(request.body());
  Checked<void> added;
  if (type == MediaType::json || looks_like_json) {
    added = add_json_fields(request.body(), limits, fields);
  } else if (type == MediaType::form) {
    added = add_form_fields(request.body(), limits, fields);
  } else {
    return Problem{415, "unsupported_media_type",
                   "Content-Type '" + std::string(request[bhttp::field::content_type]) +
                       "' is not accepted; send application/json or "
                       "application/x-www-form-urlencoded",
                   ""};
  }
  if (!added) return added.error();
  return fields;
}

// The API key from the "jwt" field or the Authorization header (not both, unless equal): a
// view into the one it came from.
Checked<std::string_view> api_key_of(const Request& request, const FieldSet& fields) {
  const auto* field = fields.find("jwt");
  const auto header = bearer_token(request);
  if (field && !field->value.is_null() && !field->value.is_string())
    return unauthorized("malformed_key", "field 'jwt' must be a string holding the API key");
  const std::string_view from_field =
      field && field->value.is_string() ? std::string_view(field->value.get_string()) : "";
  if (!from_field.empty() && !header.empty() && from_field != header)
    return bad_request("duplicate_field",
                       "the API key was sent in both the 'jwt' field and the Authorization header, "
                       "with different values; send it once",
                       "jwt");
  return from_field.empty() ? header : from_field;
}

constexpr std::size_t kMaxIdempotencyKeyBytes = 256;

// The Idempotency-Key header or the messageId field (taken out of the data), if any.
Checked<std::optional<std::string>> take_idempotency_key(const Request& request, FieldSet& fields) {
  auto field = fields.take("messageId");
  std::optional<std::string> key;
  if (auto header = request["Idempotency-Key"]; !header.empty()) key = std::string(header);
  if (!field.is_null()) {
    if (!field.is_string() || field.get_string().empty())
      return bad_request("invalid_field", "field 'messageId' must be a non-empty string",
                         "messageId");
    key = std::string(field.get_string());
  }
  if (key && key->size() > kMaxIdempotencyKeyBytes)
    return bad_request("invalid_field",
                       "the idempotency key (Idempotency-Key or messageId) is longer than " +
                           std::to_string(kMaxIdempotencyKeyBytes) + " bytes",
                       "messageId");
  return key;
}

// Popflow-Wait: "5s", "2500ms" or a number of seconds, at most kMaxPopflowWait.
Checked<std::optional<std::chrono::milliseconds>> popflow_wait(const Request& request) {
  const auto header = request["Popflow-Wait"];
  if (header.empty()) return std::optional<std::chrono::milliseconds>{};
  auto parsed = parse_duration(header);
  if (!parsed && !header.empty() &&
      std::ranges::all_of(header, [](char c) { return c >= '0' && c <= '9'; }) && header.size() < 6)
    parsed = std::chrono::seconds(std::stoi(std::string(header)));
  if (!parsed || parsed->count() <= 0 || *parsed > kMaxPopflowWait)
    return bad_request("invalid_header",
                       "Popflow-Wait must be a duration from 1ms to 30s, like 5s: how long the "
                       "answer waits for the agent's client to report the run",
                       "Popflow-Wait");
  return std::optional(*parsed);
}

// The answer to a refused trigger; the access log gets its code.
Response refused(const Request& request, RequestInfo& info, const Problem& problem) {
  info.refusal = problem.code;
  return make_problem(request, problem);
}

// A refusal by the trigger service: its problem, with Retry-After on 429 and 503.
Response refused_trigger(const Request& request, RequestInfo& info, triggers::Refusal refusal) {
  if (!refusal.agent_id.empty()) {
    info.agent = std::move(refusal.agent_id);
    info.event = std::move(refusal.event);
  }
  auto response = refused(request, info, refusal.problem);
  if (refusal.retry_after)
    response.set(bhttp::field::retry_after, std::to_string(refusal.retry_after->count()));
  return response;
}

// Everything after authentication is the service's (triggers/trigger_service.hpp); here the
// metrics and the monitor event. A refusal is a Response; a published trigger is pending
// until settle_trigger() decides.
TriggerAnswer publish_trigger(const Request& request, Channel channel, const auth::Claims& claims,
                              FieldSet fields, std::chrono::system_clock::time_point now,
                              net::Worker& worker, RequestInfo& info, bool test = false) {
  auto& state = worker.state();
  auto published = state.triggers.publish(claims, channel, std::move(fields), now, test);
  if (!published) return refused_trigger(request, info, std::move(published.error()));
  info.agent = std::move(published->agent_id);
  info.event = std::move(published->event);
  info.message_id = published->id();
  state.metrics.count_published(published->delivered);
  if (published->unresolved) state.metrics.count_unresolved(*published->unresolved);
  if (state.monitors.load(std::memory_order_relaxed) != 0) {
    if (auto kept = state.history.find(published->id(), claims.customer)) {
      auto event = summary_json(*kept);
      event["type"] = "trigger";
      publish_monitor_event(state, claims.customer, event);
    }
  }
  return PendingTrigger{make_json(request, 200, std::move(published->answer)),
                        published->journal_seq, std::nullopt, std::nullopt,
                        state.backplane ? std::move(published->message) : nullptr};
}

TriggerAnswer handle(const Request& request, std::string_view query, Channel channel,
                     net::Worker& worker, RequestInfo& info, std::optional<IdempotencyHold> held);

// With --redis, an Idempotency-Key this node claimed is claimed on every node before anything
// is published (docs/cluster.md "Idempotency"): the same key sent to two nodes at once
// publishes once. One Redis round trip, for keyed triggers only; the request is then handled
// afresh on this loop, holding both claims. Redis away: 503, nothing published or kept.
TriggerAnswer claim_across_nodes(const Request& request, std::string_view query, Channel channel,
                                 IdempotencyHold hold, net::Worker& worker, RequestInfo& info) {
  return Deferred{[&request, query = std::string(query), channel, hold = std::move(hold), &worker,
                   &info](Respond respond) mutable {
    auto& state = worker.state();
    // Taken before the call: the callback's capture moves `hold`, in whatever order the
    // arguments are evaluated.
    auto customer = hold.customer;
    auto remote_key = hold.scope + ":" + hold.key;
    state.backplane->claim_idempotency(
        std::move(customer), std::move(remote_key), state.config.idempotency_window,
        [&request, query = std::move(query), channel, hold = std::move(hold), &worker, &info,
         respond = std::move(respond)](Backplane::IdempotencyClaim claim) mutable {
          boost::asio::post(
              worker.io(),
              [&request, query = std::move(query), channel, hold = std::move(hold), &worker, &info,
               respond = std::move(respond), claim = std::move(claim)]() mutable {
                auto& state = worker.state();
                const auto& origins = state.config.cors_origins;
                const auto answer = [&](Response response) {
                  apply_cors(request, response, origins);
                  respond(std::move(response));
                };
                using State = Backplane::IdempotencyClaim::State;
                if (claim.state == State::claimed) {
                  hold.marker = std::move(claim.marker);
                  auto outcome = handle(request, query, channel, worker, info, std::move(hold));
                  if (auto* pending = std::get_if<PendingTrigger>(&outcome)) {
                    apply_cors(request, pending->accepted, origins);
                    return respond(std::move(*pending));
                  }
                  return answer(std::move(std::get<Response>(outcome)));
                }
                if (claim.state == State::replay) {  // another node answered it: this one will too
                  state.idempotency.complete(hold.scope, hold.key, claim.answer);
                  auto response = make_json(request, 200, std::move(claim.answer));
                  response.set("Idempotent-Replayed", "true");
                  return answer(std::move(response));
                }
                state.idempotency.release(hold.scope, hold.key);
                if (claim.state == State::in_progress)
                  return answer(refused(
                      request, info,
                      {409, "idempotency_conflict",
                       "a trigger with this Idempotency-Key is still being handled; retry shortly",
                       ""}));
                state.backplane->count_refused();
                auto response = refused(request, info,
                                        {503, "backplane_unavailable",
                                         "this node cannot reach the other nodes (Redis is "
                                         "unreachable); retry in a few seconds or on another node",
                                         ""});
                response.set(bhttp::field::retry_after, "2");
                answer(std::move(response));
              });
        });
  }};
}

}  // namespace

void remember_answer(net::ServerState& state, const IdempotencyHold& hold,
                     const std::string& answer) {
  state.idempotency.complete(hold.scope, hold.key, answer);
  if (!hold.marker.empty() && state.backplane)
    state.backplane->complete_idempotency(hold.customer, hold.scope + ":" + hold.key, hold.marker,
                                          answer, state.config.idempotency_window);
}

void forget_claim(net::ServerState& state, const IdempotencyHold& hold) {
  state.idempotency.release(hold.scope, hold.key);
  if (!hold.marker.empty() && state.backplane)
    state.backplane->release_idempotency(hold.customer, hold.scope + ":" + hold.key, hold.marker);
}

TriggerAnswer handle_trigger(const Request& request, std::string_view query, Channel channel,
                             net::Worker& worker, RequestInfo& info) {
  return handle(request, query, channel, worker, info, std::nullopt);
}

namespace {

// `held`: the Idempotency-Key this request already claimed, here and on every node (the
// second pass of claim_across_nodes).
TriggerAnswer handle(const Request& request, std::string_view query, Channel channel,
                     net::Worker& worker, RequestInfo& info, std::optional<IdempotencyHold> held) {
  auto& state = worker.state();
  const auto refuse = [&](const Problem& problem) { return refused(request, info, problem); };
  // GET or POST only: the route table answers every other method 405 (dispatch.cpp).
  if (worker.overloaded()) {  // the journal falling behind is the service's to refuse
    auto response = refuse(
        {503, "overloaded", "the server is overloaded; retry in a second or on another node", ""});
    response.set(bhttp::field::retry_after, "1");
    return response;
  }
  // The trigger's fields and data live in this arena, all freed at once on return (the
  // message keeps text only): a malloc, a copy and a free per value saved (~2k
  // instructions a trigger, bench/callgrind.sh).
  unsigned char arena_buffer[4096];
  boost::json::monotonic_resource arena(arena_buffer, sizeof arena_buffer);
  auto fields = read_fields(request, query, limits_of(state.config), &arena);
  if (!fields) return refuse(fields.error());
  auto key = api_key_of(request, *fields);
  if (!key) return refuse(key.error());
  const auto wait = popflow_wait(request);
  if (!wait) return refuse(wait.error());

  const auto now = std::chrono::system_clock::now();
  auto claims =
      worker.authenticator().authenticate(*key, auth::TokenKind::api_key, unix_seconds(now));
  fields->take("jwt");  // the key is never interaction data (and `key` may view it: not used after)
  if (!claims) {
    state.metrics.count_auth_failure(claims.error());
    return refuse(auth::to_problem(claims.error(), "API key"));
  }
  info.customer = (*claims)->customer;

  // A retried trigger (same Idempotency-Key header or messageId field) gets the first answer
  // back instead of a second screen pop.
  auto idempotency_key = take_idempotency_key(request, *fields);
  if (!idempotency_key) {
    if (held) forget_claim(state, *held);
    return refuse(idempotency_key.error());
  }
  std::optional<IdempotencyHold> hold = std::move(held);
  if (*idempotency_key && !hold) {
    hold = IdempotencyHold{(*claims)->key_id, std::move(**idempotency_key), (*claims)->customer};
    auto claim = state.idempotency.claim(hold->scope, hold->key, std::chrono::steady_clock::now());
    if (claim.state == triggers::IdempotencyStore::Claim::State::replay) {
      auto response = make_json(request, 200, std::move(claim.answer));
      response.set("Idempotent-Replayed", "true");
      return response;
    }
    if (claim.state == triggers::IdempotencyStore::Claim::State::in_progress)
      return refuse({409, "idempotency_conflict",
                     "a trigger with this Idempotency-Key is still being handled; retry shortly",
                     ""});
    if (state.backplane)
      return claim_across_nodes(request, query, channel, std::move(*hold), worker, info);
  }
  auto published =
      publish_trigger(request, channel, **claims, std::move(*fields), now, worker, info);
  auto* pending = std::get_if<PendingTrigger>(&published);
  if (!pending) {
    if (hold) forget_claim(state, *hold);  // a corrected retry goes through
    return published;
  }
  pending->idempotency = std::move(hold);
  if (*wait) pending->wait = RunWait{info.message_id, info.customer, **wait, std::nullopt};
  if (pending->journal_seq != 0 || pending->wait || pending->to_other_nodes) return published;
  return settle_trigger(request, std::move(*pending), {}, state, info);
}

}  // namespace

Response settle_trigger(const Request& request, PendingTrigger pending, Settled settled,
                        net::ServerState& state, RequestInfo& info) {
  const auto& hold = pending.idempotency;
  if (settled.written && settled.handed) {
    // A waited answer is remembered when it is sent, with its run (await_run).
    if (hold && !pending.wait) remember_answer(state, *hold, pending.accepted.body());
    return std::move(pending.accepted);
  }
  if (hold) forget_claim(state, *hold);  // the retry is handled afresh
  auto response =
      settled.written
          ? refused(request, info,
                    {503, "backplane_unavailable",
                     "the trigger reached this node's clients but not the other nodes (Redis "
                     "did not take it); retry it, with an Idempotency-Key",
                     ""})
          : refused(request, info,
                    {503, "not_stored",
                     "the trigger reached the connected clients but could not be stored "
                     "for the offline ones; retry it",
                     ""});
  response.set(bhttp::field::retry_after, settled.written ? "2" : "1");
  apply_cors(request, response, state.config.cors_origins);
  return response;
}

TriggerAnswer handle_test_trigger(const Request& request, Channel channel,
                                  std::string_view fields_json, const TestSender& sender,
                                  net::Worker& worker, RequestInfo& info) {
  auto& state = worker.state();
  unsigned char arena_buffer[4096];
  boost::json::monotonic_resource arena(arena_buffer, sizeof arena_buffer);
  FieldSet fields(&arena);
  if (auto added = add_json_fields(fields_json, limits_of(state.config), fields); !added)
    return refused(request, info, added.error());
  // The test trigger goes through the same path as a real one, but for the API key's
  // rules: it acts with every scope, rate-limited under its sender's name.
  auth::Claims claims;
  claims.key_id = "test:" + sender.actor;
  claims.customer = sender.customer;
  claims.kind = auth::TokenKind::api_key;
  claims.scope = auth::kScopeCti | auth::kScopeCrm;
  info.customer = sender.customer;
  auto published = publish_trigger(request, channel, claims, std::move(fields),
                                   std::chrono::system_clock::now(), worker, info, true);
  auto* pending = std::get_if<PendingTrigger>(&published);
  if (pending && pending->journal_seq == 0 && !pending->to_other_nodes)
    return settle_trigger(request, std::move(*pending), {}, state, info);
  return published;
}

}  // namespace popflow::http
