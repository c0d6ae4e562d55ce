#include <utility>

#include "store/repositories.hpp"

namespace popflow::store {
namespace {

// Also the text the store keeps in users.role: renaming one needs a migration.
constexpr std::pair<Role, std::string_view> kNames[] = {{Role::viewer, "viewer"},
                                                        {Role::designer, "designer"},
                                                        {Role::admin, "admin"},
                                                        {Role::owner, "owner"}};

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& [value, name] : kNames)
    if (value == role) return name;
  return "viewer";
}

std::optional<Role> role_from(std::string_view text) {
  for (const auto& [value, name] : kNames)
    if (name == text) return value;
  return std::nullopt;
}

}  // namespace popflow::store
