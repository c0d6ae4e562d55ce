#pragma once
// An answer that comes later, from any thread: the session calls start(respond) once, and
// the work calls respond exactly once when done (outcome.hpp), with the response or with a
// published trigger whose 200 still waits (pending_trigger.hpp), which the session then
// settles as it settles one answered at once.
#include <functional>
#include <variant>

#include "http/pending_trigger.hpp"
#include "http/types.hpp"

namespace popflow::http {

using Later = std::variant<Response, PendingTrigger>;
using Respond = std::function<void(Later)>;

struct Deferred {
  std::function<void(Respond respond)> start;
};

}  // namespace popflow::http
