#pragma once
// The Connect API trigger: GET/POST /api/sendmessage/{CTI,CRM} (CONTRACT, seed document).
//
// Reads the fields (400/413/415) and the API key, authenticates it (401), takes the
// Idempotency-Key (a retry gets the first answer back) and Popflow-Wait, then hands the
// trigger to the TriggerService (triggers/trigger_service.hpp: its journal, rate limit,
// scope, field and CRM ID rules, the publish and the answer's body) and makes the Response
// of what it says. Runs on the connection's event loop.
//
// A trigger queued for a persistent session is answered only once the journal has written
// it, so a 200 means it survives a crash: handle_trigger() then returns a PendingTrigger,
// and settle_trigger() — the one place a published trigger's outcome is decided — turns it
// into the 200 or a 503 `not_stored` once the journal says. Its Idempotency-Key stays "in
// progress" until then: a retry meanwhile gets 409, never a 200 for what may not be stored,
// and only a 200 is remembered for replay.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/deferred.hpp"
#include "http/request_info.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"
#include "triggers/trigger.hpp"

namespace popflow::http {

// An Idempotency-Key claimed in the IdempotencyStore, completed or released at settlement.
struct IdempotencyHold {
  std::string scope;  // the API key id
  std::string key;
};

// Popflow-Wait (CONTRACT "Delivery truth"): the 200 waits for the trigger's first run. Its
// Idempotency-Key stays "in progress" through the wait and remembers the answer sent, with
// its run, so a retry replays exactly what the first caller got.
struct RunWait {
  std::string message_id;
  std::string customer;
  std::chrono::milliseconds timeout{0};
  std::optional<IdempotencyHold> idempotency;  // set by the session once the trigger settled
};
inline constexpr std::chrono::seconds kMaxPopflowWait{30};

struct PendingTrigger {
  Response accepted;  // the 200, once written
  std::uint64_t journal_seq = 0;
  std::optional<IdempotencyHold> idempotency;
  std::optional<RunWait> wait;  // answered once a run is reported, or at its timeout
};

// A refusal or a 200 now, or a trigger waiting for the journal.
using TriggerAnswer = std::variant<Response, PendingTrigger>;

TriggerAnswer handle_trigger(const Request& request, std::string_view query,
                             triggers::Channel channel, net::Worker& worker, RequestInfo& info);

// /api/admin/test-trigger (CONTRACT "Admin API"): a trigger of `sender`'s customer from the
// admin API, through the same validation, publish, resolution and timeline as a real one,
// marked "test": true in the message and the timeline. `fields_json` is a JSON object of
// the trigger's fields (agentId, event, crmId/ctiId and the interaction data). On the loop.
struct TestSender {
  std::string customer;
  std::string actor;  // the audit log's name of who sent it
};
TriggerAnswer handle_test_trigger(const Request& request, triggers::Channel channel,
                                  std::string_view fields_json, const TestSender& sender,
                                  net::Worker& worker, RequestInfo& info);

// `written`: whether the journal wrote everything up to pending.journal_seq (true when there
// was nothing to write).
Response settle_trigger(const Request& request, PendingTrigger pending, bool written,
                        net::ServerState& state, RequestInfo& info);

}  // namespace popflow::http
