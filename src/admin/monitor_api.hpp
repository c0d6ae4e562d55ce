#pragma once
// GET /api/admin/monitor (CONTRACT "Admin API"): Server-Sent Events of a customer's triggers
// and runs as they happen, for the console's live monitor. Each event is one `data:` line:
// {"type": "trigger", …the trigger's summary…} or {"type": "run", "id", "agentId", "event",
// "outcome", "run"}. Any role may watch (it only reads); an admin token, or a console
// session (operators name the customer with ?customer=ID). The stream ends when the token
// is revoked or the session ends. While no monitor is open, triggers publish nothing for it.
#include "admin/admin_service.hpp"
#include "http/route_table.hpp"

namespace popflow::admin {

void add_monitor_route(http::RouteTable& routes, AdminService& service,
                       const http::RouteOptions& options);

}  // namespace popflow::admin
