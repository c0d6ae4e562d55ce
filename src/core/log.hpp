#pragma once
// JSON-lines logging to stderr, one object per line:
//   {"ts":"2026-11-24T22:50:00.123Z","level":"info","msg":"trigger",...fields}
// Callers pass fields as a Boost.JSON object; nothing here knows what a secret is, so
// callers must never pass keys, tokens or raw query strings (see http/redact.hpp).
// Thread-safe: spdlog's _mt sink serialises writes.
#include <boost/json/object.hpp>
#include <string_view>

namespace popflow::log {

enum class Level { debug, info, warn, error, off };

// Throws std::invalid_argument for an unknown level name (start-up only).
void init(std::string_view level_name);
bool enabled(Level level);
void write(Level level, std::string_view msg, const boost::json::object& fields = {});

inline void debug(std::string_view msg, const boost::json::object& f = {}) {
  write(Level::debug, msg, f);
}
inline void info(std::string_view msg, const boost::json::object& f = {}) {
  write(Level::info, msg, f);
}
inline void warn(std::string_view msg, const boost::json::object& f = {}) {
  write(Level::warn, msg, f);
}
inline void error(std::string_view msg, const boost::json::object& f = {}) {
  write(Level::error, msg, f);
}

}  // namespace popflow::log
