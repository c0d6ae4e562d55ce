#pragma once
// What a handler makes of a request. Most answer at once (Response); a few hand the
// connection on or answer later:
//   SubscribeRequest  the connection becomes an SSE stream (subscribe_request.hpp)
//   PendingTrigger    a trigger waits for the journal before its 200 (connect_api.hpp)
//   Deferred          the work runs elsewhere (the admin service's store thread) and
//                     answers through `respond`, from any thread, exactly once
// The session reads no further request while an answer is outstanding, so a handler may
// keep referring to the request until it answers.
#include <functional>
#include <variant>

#include "http/connect_api.hpp"
#include "http/deferred.hpp"
#include "http/subscribe_request.hpp"
#include "http/types.hpp"

namespace popflow::http {

using Outcome = std::variant<Response, SubscribeRequest, PendingTrigger, Deferred>;

}  // namespace popflow::http
