#pragma once
#include <string_view>

#include "http/types.hpp"

namespace popflow::http {

// The credential of an "Authorization: Bearer <token>" header ("bearer" in any case),
// or empty when there is none.
std::string_view bearer_token(const Request& request);

}  // namespace popflow::http
