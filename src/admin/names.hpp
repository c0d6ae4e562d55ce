#pragma once
// What the admin API accepts as a name. Event and profile names are matched exactly (case
// and spaces: CONTRACT "Interaction workflows"), so a name that could not be told apart
// from another by looking is refused: empty, control characters, leading or trailing
// spaces, over 128 bytes. CRM IDs and agent ids become topic levels and follow topic rules.
#include <optional>
#include <string>
#include <string_view>

#include "core/problem.hpp"

namespace popflow::admin {

inline constexpr std::size_t kMaxNameBytes = 128;

std::optional<Problem> name_problem(std::string_view value, std::string_view field);
std::optional<Problem> topic_level_problem(std::string_view value, std::string_view field);

}  // namespace popflow::admin
