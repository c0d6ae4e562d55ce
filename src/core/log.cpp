#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace popflow::log {
namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("popflow",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // The message (%v) is the JSON members after "level"; see write().
    l->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                   spdlog::pattern_time_type::utc);
    l->flush_on(spdlog::level::debug);
    return l;
  }();
  return instance;
}

}  // namespace

void init(std::string_view level_name) {
  Level level;
  if (level_name == "debug")
    level = Level::debug;
  else if (level_name == "info")
    level = Level::info;
  else if (level_name == "warn")
    level = Level::warn;
  else if (level_name == "error")
    level = Level::error;
  else if (level_name == "off")
    level = Level::off;
  else
    throw std::invalid_argument("log level must be debug, info, warn, error or off");
  logger()->set_level(to_spdlog(level));
}

bool enabled(Level level) {
  return logger()->should_log(to_spdlog(level));
}

void write(Level level, std::string_view msg, const boost::json::object& fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line.reserve(fields.size() + 1);
  line["msg"] = msg;
  for (const auto& kv : fields) line.insert_or_assign(kv.key(), kv.value());
  std::string text = boost::json::serialize(line);
  // Strip the braces: the pattern supplies them around ts and level.
  logger()->log(to_spdlog(level), std::string_view(text).substr(1, text.size() - 2));
}

}  // namespace popflow::log
