#pragma once
// Console sign-in (CONTRACT "Admin API"):
//   POST   /api/admin/session {"user","password"}  → the session cookie and its CSRF token
//   GET    /api/admin/session                      → who is signed in
//   DELETE /api/admin/session                      → sign out
// The cookie is `popflow_session`: HttpOnly (no script reads it), SameSite=Strict (no other
// site's page sends it), Path=/api/admin. Failed sign-ins are throttled per user name and per
// address (login_throttle.hpp); an unknown name costs as much as a wrong password.
#include <string_view>

#include "admin/admin_service.hpp"
#include "http/route_table.hpp"
#include "http/types.hpp"

namespace popflow::admin {

inline constexpr std::string_view kSessionCookie = "popflow_session";

// The session cookie's value, or empty.
std::string_view session_cookie(const http::Request& request);

void add_session_routes(http::RouteTable& routes, AdminService& service,
                        const http::RouteOptions& options);

}  // namespace popflow::admin
