#pragma once
// The admin API's routes (CONTRACT "Admin API"), added to the HTTP port's route table.
//
// Every route is authenticated on the event loop (an admin token through the loop's
// Authenticator, or a console session cookie with, for writes, its X-CSRF-Token), then its
// handler runs on the admin service's store thread (a Deferred answer): the caller's user
// is looked up again there, so a removed user or a changed role takes effect at once; the
// role is checked against the route's permission (403 naming the role it takes); GETs run
// in a read transaction and writes in a write transaction with their audit entries.
#include "admin/admin_service.hpp"
#include "http/route_table.hpp"

namespace popflow::admin {

void add_admin_routes(http::RouteTable& routes, AdminService& service);

}  // namespace popflow::admin
