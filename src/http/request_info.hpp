#pragma once
// What the access log records about one request. Filled by the handlers; holds no key,
// token or query string, so it is safe to log whole.
#include <cstdint>
#include <string>
#include <string_view>

#include "net/metrics.hpp"

namespace popflow::http {

struct RequestInfo {
  net::Route route = net::Route::other;
  std::string customer;
  std::string agent;
  std::string event;
  std::string message_id;
  std::string refusal;  // the error code, when refused
  // The client's address, for sign-in throttling; views the connection's copy, made once
  // per connection. Not logged.
  std::string_view peer;
};

}  // namespace popflow::http
