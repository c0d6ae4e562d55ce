#pragma once
// The web clients' pages: every embedded file (web/assets.hpp) at its path, for GET and HEAD.
// /agent/ is the agent's client (its index.html; /agent without the slash is redirected, so
// the page's relative imports resolve under /agent/).
//
// Each answer carries a strict Content-Security-Policy: scripts, styles, images and sounds
// only from this server, no inline script or style, no eval, no plugins, no <base>, no form
// posts; workers only from blob: URLs the page's own scripts made (mqtt.js keeps its
// keep-alive timer in one, which a background tab does not throttle); the page connects to this
// server (the API, MQTT over WebSocket) and to `agent_connect_src` (the origins a workflow's http
// steps call); it may be framed only by `agent_frame_ancestors` (a CRM that embeds it). Also: an
// ETag from the file's hash (304 for If-None-Match) with Cache-Control no-cache, so a new build is
// picked up at the next load.
#include "core/config.hpp"
#include "http/route_table.hpp"

namespace popflow::http {

// The policy the pages are served with, from the two settings above.
std::string web_content_security_policy(const Config& config);

void add_web_routes(RouteTable& routes, const Config& config);

}  // namespace popflow::http
