#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace popflow {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-24T22:50:00.123Z"
std::string format_iso8601_ms(SystemTime t);
std::int64_t unix_seconds(SystemTime t);
std::int64_t unix_now();
std::int64_t unix_now_ms();  // milliseconds since the epoch

}  // namespace popflow
