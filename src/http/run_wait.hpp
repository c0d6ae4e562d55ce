#pragma once
// Popflow-Wait (CONTRACT "Delivery truth"): a trigger's 200 held until the agent's client
// reports its first run, or its timeout, whichever comes first.
#include "http/connect_api.hpp"
#include "http/deferred.hpp"
#include "net/worker.hpp"

namespace popflow::http {

// `accepted` with "run" once the first run is reported, or "run": null and a warning at the
// timeout. Both are settled on the worker's loop.
Deferred await_run(Response accepted, RunWait wait, net::Worker& worker);

}  // namespace popflow::http
