#pragma once
// Delivery truth over HTTP (CONTRACT "Delivery truth"):
//   GET  /api/triggers/{id}       the timeline; the customer's API key or an admin token
//   POST /api/triggers/{id}/runs  an agent's client reports a run; its client token, whose
//                                 agent (when it is agent-limited) must be the trigger's
// A run is {"outcome", "workflow", "version", "steps": […], "durationMs", "error"}; outcome
// is one of executed, failed, no_publication, profile_mismatch, duplicate, stale,
// superseded. Runs wake a trigger sent with Popflow-Wait.
#include "http/route_table.hpp"

namespace popflow::http {

inline constexpr std::size_t kMaxRunBytes = 64 * 1024;
inline constexpr std::size_t kMaxRunSteps = 500;

void add_timeline_routes(RouteTable& routes);

}  // namespace popflow::http
