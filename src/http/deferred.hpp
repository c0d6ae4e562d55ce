#pragma once
// An answer that comes later, from any thread: the session calls start(respond) once, and
// the work calls respond(Response) exactly once when done (outcome.hpp).
#include <functional>

#include "http/types.hpp"

namespace popflow::http {

using Respond = std::function<void(Response)>;

struct Deferred {
  std::function<void(Respond respond)> start;
};

}  // namespace popflow::http
