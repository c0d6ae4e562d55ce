#pragma once
// The web clients' pages: every embedded file (web/assets.hpp) at its path, for GET and HEAD.
// /agent/ is the agent's client and /admin/ the console (each its index.html; without the
// slash it is redirected, so the page's relative imports resolve under it). GET / sends a
// browser (Accept: text/html) to /admin/, whose sign-in links to /agent/; anything else gets
// the API's 404.
//
// Each answer carries a strict Content-Security-Policy: scripts, styles, images and sounds
// only from this server, no inline script or style, no eval, no plugins, no <base>, no form
// posts; workers only from blob: URLs the page's own scripts made (mqtt.js keeps its
// keep-alive timer in one, which a background tab does not throttle); the page connects to this
// server (the API, MQTT over WebSocket) and to `agent_connect_src` (the origins a workflow's http
// steps call); it may be framed only by `agent_frame_ancestors` (a CRM that embeds it). Also: an
// ETag from the file's hash (304 for If-None-Match) with Cache-Control no-cache, so a new build is
// picked up at the next load. The console's policy is stricter: this server only, no frames.
#include "core/config.hpp"
#include "http/route_table.hpp"

namespace popflow::http {

// The policy the pages are served with, from the two settings above.
std::string web_content_security_policy(const Config& config);
// The console's (/admin/): this server only, and never in a frame.
std::string console_content_security_policy();

void add_web_routes(RouteTable& routes, const Config& config);

}  // namespace popflow::http
