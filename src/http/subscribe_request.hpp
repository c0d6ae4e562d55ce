#pragma once
// GET /api/subscribe?topic=FILTER[&topic=FILTER...] (CONTRACT "Subscribing"): which
// client token, which filters, and whether the ACL allows them. A '+' in the query is the
// MQTT wildcard here, not a space: "?topic=CTI/acme/+/1001" means what it says.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"
#include "http/request_info.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"

namespace popflow::http {

inline constexpr std::size_t kMaxSseFilters = 16;

struct SubscribeRequest {
  auth::ClaimsPtr claims;
  std::vector<std::string> filters;
  net::StreamQuota::Ticket stream;  // this stream's place in the per-token/customer counts
  // Checked instead of the token at every revocation_poll when set (a console session's
  // monitor stream): the problem that ends the stream, or nullopt while it may go on.
  std::function<std::optional<Problem>()> recheck;
  std::shared_ptr<void> hold;  // kept for the stream's life (a monitor's place in the count)
};

// 401 for a missing or refused token, 400 for missing or invalid filters or two different
// tokens (header and ?token=), 403 for filters outside what the token may read, 429 when the
// token or its customer has as many open streams as Config::sse_max_streams_per_* allow.
// A place for one more SSE stream of this token in the per-token and per-customer counts,
// or the 429 too_many_streams saying which is full.
Checked<net::StreamQuota::Ticket> admit_stream(const auth::Claims& claims, net::Worker& worker);

Checked<SubscribeRequest> parse_subscribe(const Request& request, std::string_view query,
                                          net::Worker& worker, std::int64_t now, RequestInfo& info);

}  // namespace popflow::http
