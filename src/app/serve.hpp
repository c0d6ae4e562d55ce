#pragma once
#include "core/config.hpp"

namespace popflow::app {

// Runs the server until SIGINT/SIGTERM, then shuts down gracefully. Returns the exit
// status (0 after a clean shutdown).
int serve(const Config& config);

}  // namespace popflow::app
