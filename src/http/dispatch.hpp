#pragma once
// Which handler answers a request. The routes are a RouteTable (route_table.hpp) filled at
// start-up; this file adds the Connect API's own:
//
//   /api/sendmessage/{CTI,CRM}  GET, POST, OPTIONS  Connect API triggers
//   /api/subscribe              GET, HEAD, OPTIONS  Server-Sent Events
//   /healthz /readyz /metrics   GET, HEAD           operations
//   /mqtt                       WebSocket upgrade   MQTT (before dispatch; 426 otherwise)
//
// HEAD is routed as GET and answered with GET's header, Content-Length included; the
// session writes no body (write_wire_bytes). Not on the trigger routes: a GET there
// publishes, and HEAD must not have side effects, so it gets 405 like any other method.
//
// A successful /api/subscribe is not answered here: the connection becomes an SSE
// stream, so dispatch() returns the accepted SubscribeRequest for the session to hand
// its socket over. A trigger queued for a persistent session returns a PendingTrigger: the
// session answers it once the journal has written it (connect_api.hpp).
#include "http/outcome.hpp"
#include "http/request_info.hpp"
#include "http/route_table.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"

namespace popflow::http {

// The Connect API's routes, added first so a trigger is matched by the first comparison.
void add_connect_routes(RouteTable& routes, const Config& config);

Outcome dispatch(const Request& request, net::Worker& worker, RequestInfo& info);

// The status line and headers that open an SSE stream: as a Response (the answer to HEAD),
// and as the bytes an SseSession starts with.
Response sse_head(const Request& request, const std::vector<std::string>& cors_origins);
std::string sse_response_head(const Request& request, const Config& config,
                              std::string_view request_id);

}  // namespace popflow::http
