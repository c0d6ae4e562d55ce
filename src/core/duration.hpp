#pragma once
// Durations as people type them on the command line and in config: "90d", "12h", "30s",
// "15m", "500ms". A bare number means seconds.
#include <chrono>
#include <optional>
#include <string_view>

namespace popflow {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace popflow
