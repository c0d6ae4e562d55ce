#pragma once
// What an agent's client runs (CONTRACT "The agent's client"), for its client token:
//   GET /api/client/workflows?crmId=&profile=   the workflows published to each event for the
//       instance and profile: the profile from the agent directory when the token's agent is
//       listed there, else ?profile= (none: "all profiles"); crmId may be left out when the
//       directory lists the agent in exactly one instance. ETag: the snapshot's generation.
//   GET /api/client/workflows/changes           Server-Sent Events: one `changed` event with
//       the new generation whenever what is published may have changed (within the admin
//       service's reload, well under 2 s), so a client refetches instead of polling.
#include <string>
#include <string_view>

#include "http/route_table.hpp"

namespace popflow::http {

void add_client_routes(RouteTable& routes);

}  // namespace popflow::http
