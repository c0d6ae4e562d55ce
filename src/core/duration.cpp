#include "core/duration.hpp"

#include <charconv>

namespace popflow {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  using namespace std::chrono;
  std::uint64_t amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  std::uint64_t per_unit_ms = 0;
  if (unit == "ms")
    per_unit_ms = 1;
  else if (unit.empty() || unit == "s")
    per_unit_ms = 1000;
  else if (unit == "m")
    per_unit_ms = 60'000;
  else if (unit == "h")
    per_unit_ms = 3'600'000;
  else if (unit == "d")
    per_unit_ms = 86'400'000;
  else if (unit == "w")
    per_unit_ms = 7 * 86'400'000ULL;
  else
    return std::nullopt;
  // Refuse amounts that would overflow rather than wrap into a short duration.
  constexpr std::uint64_t kMaxMs = std::uint64_t{1} << 62;
  if (amount > kMaxMs / per_unit_ms) return std::nullopt;
  return milliseconds(static_cast<std::int64_t>(amount * per_unit_ms));
}

}  // namespace popflow
