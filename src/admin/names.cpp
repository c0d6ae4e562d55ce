#include "admin/names.hpp"

#include "topics/topic.hpp"
#include "topics/utf8.hpp"

namespace popflow::admin {

std::optional<Problem> name_problem(std::string_view value, std::string_view field) {
  const auto refuse = [&](std::string why) {
    return bad_request("invalid_field", "field '" + std::string(field) + "' " + why,
                       std::string(field));
  };
  if (value.empty()) return refuse("must not be empty");
  if (value.size() > kMaxNameBytes)
    return refuse("is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  if (value.front() == ' ' || value.back() == ' ')
    return refuse("must not start or end with a space: names are matched exactly");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) return refuse("must not hold control characters");
  if (!is_valid_utf8(value)) return refuse("must be UTF-8");
  return std::nullopt;
}

std::optional<Problem> topic_level_problem(std::string_view value, std::string_view field) {
  if (auto problem = topic_segment_problem(value))
    return bad_request("invalid_field", "field '" + std::string(field) + "' " + *problem,
                       std::string(field));
  return std::nullopt;
}

}  // namespace popflow::admin
