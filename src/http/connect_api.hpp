#pragma once
// The Connect API trigger: GET/POST /api/sendmessage/{CTI,CRM} (CONTRACT, seed document).
//
// Order of checks, each with its own status: parse the fields (400/413/415), authenticate
// the API key (401), apply its rate limit (429), check its scope (403), validate the trigger (400),
// check the CRM ID against the key (403), then publish and answer 200 with how many sessions got
// it. Runs on the connection's event loop; publishing fans out synchronously through the Router,
// whose subscribers only enqueue, so the request never waits on a subscriber.
#include <string_view>

#include "http/request_info.hpp"
#include "http/trigger.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"

namespace popflow::http {

Response handle_trigger(const Request& request, std::string_view query, Channel channel,
                        net::Worker& worker, RequestInfo& info);

}  // namespace popflow::http
