#pragma once
// The rules of a trigger once its sender is known (CONTRACT "The Connect API", "What a
// trigger's answer adds", "Delivery truth"), apart from HTTP: the Connect API and the admin
// API's test trigger call it with the fields they read, so its rules are tested without
// sockets and a cluster backplane can sit behind it later.
//
// Order of checks, each with its own status: the journal keeping up (503), the other nodes
// reachable (503, with --redis only), the key's rate limit (429), its scope (403), the fields
// (400), the CRM ID against the key (403). Then its
// event is resolved against the catalog snapshot, its timeline recorded (before the publish,
// so an agent's client that reports its run at once finds it), and it is published. Reading
// the request, authentication, idempotency, Popflow-Wait and metrics stay with the caller.
//
// Threads: publish() from any event loop at once; the service keeps no state of its own
// (each piece it is given is thread-safe). Publishing fans out synchronously through the
// broker, whose subscribers only enqueue, so a call never waits on a subscriber.
// Cost: what the trigger itself costs; the answer's JSON is built once, here.
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/claims.hpp"
#include "broker/broker.hpp"
#include "core/config.hpp"
#include "core/problem.hpp"
#include "history/trigger_history.hpp"
#include "topics/backplane.hpp"
#include "topics/message.hpp"
#include "triggers/field_set.hpp"
#include "triggers/rate_limiter.hpp"
#include "triggers/trigger.hpp"
#include "workflows/published_catalog.hpp"

namespace popflow::triggers {

// A trigger not published. The agent and event are those of a trigger refused after its
// fields were read (a CRM ID the key may not use), for the access log; else empty.
struct Refusal {
  Problem problem;
  std::optional<std::chrono::seconds> retry_after{};  // 429 and 503: the Retry-After header
  std::string agent_id{};
  std::string event{};
};

// A trigger published. The agent and event are moved out of the trigger for the access log.
struct Published {
  MessagePtr message;  // what subscribers got: its id and topic
  std::string answer;  // the 200's JSON body (accepted_json)
  std::size_t delivered = 0;
  std::uint64_t journal_seq = 0;                    // to be written before the answer is sent
  std::optional<workflows::Unresolved> unresolved;  // why no workflow runs, when none does
  std::string agent_id{};
  std::string event{};

  std::string_view id() const { return message->id; }
  std::string_view topic() const { return message->topic; }
};

// Used by boost::system::result<Published, Refusal>::value() when a caller insists.
[[noreturn]] void throw_exception_from_error(const Refusal& refusal,
                                             const boost::source_location& location);

using Outcome = boost::system::result<Published, Refusal>;

class TriggerService {
 public:
  // Everything is borrowed and must outlive the service (net::ServerState holds them all).
  TriggerService(const Config& config, broker::Broker& broker, RateLimiter& rate_limiter,
                 const workflows::PublishedCatalog& catalog, history::TriggerHistory& history);

  // `claims`: the sender's verified API key (a test trigger's stand-in has every scope).
  // `fields`: the trigger's, the key's own field taken out; their storage must outlive the
  // call. `test`: sent by /api/admin/test-trigger, so the message says "test": true.
  Outcome publish(const auth::Claims& claims, Channel channel, FieldSet fields,
                  std::chrono::system_clock::time_point now, bool test = false);

  // The other nodes (--redis): while it is not accepting() triggers are refused 503
  // backplane_unavailable. The caller hands each published message to it and answers once
  // Redis took it (http/connect_api.hpp). Set at start-up, before any event loop runs. Cost
  // per trigger: null (one node), a pointer check; set, one atomic load.
  void set_backplane(Backplane* backplane) { backplane_ = backplane; }

 private:
  std::optional<Refusal> admit(const auth::Claims& claims, Channel channel);

  const Config& config_;
  broker::Broker& broker_;
  RateLimiter& rate_limiter_;
  const workflows::PublishedCatalog& catalog_;
  history::TriggerHistory& history_;
  Backplane* backplane_ = nullptr;
};

}  // namespace popflow::triggers
