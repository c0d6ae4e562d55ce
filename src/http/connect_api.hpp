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
// and only a 200 is remembered for replay. With --redis the 200 also waits for Redis to take
// the trigger for the other nodes (one round trip, pipelined): a 200 means every node gets
// it, and two triggers a sender sends one after the other, through two nodes, reach every
// node's subscribers in that order (docs/cluster.md "Order across nodes").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/deferred.hpp"
#include "http/pending_trigger.hpp"
#include "http/request_info.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"
#include "triggers/trigger.hpp"

namespace popflow::http {

// A refusal or a 200 now, a trigger waiting for the journal, or (an Idempotency-Key with
// --redis) an answer that comes once every node has been asked (Deferred).
using TriggerAnswer = std::variant<Response, PendingTrigger, Deferred>;

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

// A claimed Idempotency-Key's answer is kept for replay (here, and with --redis on every
// node); or the claim is given up, so a retry is handled afresh.
void remember_answer(net::ServerState& state, const IdempotencyHold& hold,
                     const std::string& answer);
void forget_claim(net::ServerState& state, const IdempotencyHold& hold);

// What the waits of a published trigger came to (pending_trigger.hpp's Settled): the 200, or
// 503 `not_stored` (the journal failed) or `backplane_unavailable` (Redis did not take it).
Response settle_trigger(const Request& request, PendingTrigger pending, Settled settled,
                        net::ServerState& state, RequestInfo& info);

}  // namespace popflow::http
