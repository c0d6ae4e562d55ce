#pragma once
// Which handler answers a request: the one routing table of the HTTP port.
//
//   /api/sendmessage/{CTI,CRM}  GET, POST, OPTIONS   Connect API triggers
//   /api/subscribe              GET, OPTIONS         Server-Sent Events
//   /healthz /readyz /metrics   GET                  operations
//   /mqtt                       WebSocket upgrade    MQTT (handled before dispatch; 426 otherwise)
//
// A successful /api/subscribe is not answered here: the connection becomes an SSE
// stream, so dispatch() returns the accepted SubscribeRequest for the session to hand
// its socket over. A trigger queued for a persistent session returns a PendingTrigger: the
// session answers it once the journal has written it (connect_api.hpp).
#include <variant>

#include "http/connect_api.hpp"
#include "http/request_info.hpp"
#include "http/subscribe_request.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"

namespace popflow::http {

using Outcome = std::variant<Response, SubscribeRequest, PendingTrigger>;

Outcome dispatch(const Request& request, net::Worker& worker, RequestInfo& info);

// The status line and headers that open an SSE stream.
std::string sse_response_head(const Request& request, const Config& config,
                              std::string_view request_id);

}  // namespace popflow::http
