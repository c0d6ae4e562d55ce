#include "cluster/routing.hpp"

#include <vector>

namespace popflow::cluster {
namespace {

// At most a topic's few levels; views into `text`.
std::vector<std::string_view> levels_of(std::string_view text) {
  std::vector<std::string_view> levels;
  for (;;) {
    const auto slash = text.find('/');
    levels.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) return levels;
    text.remove_prefix(slash + 1);
  }
}

bool is_tenant_root(std::string_view level) {
  return level == "CTI" || level == "CRM";
}
bool is_wildcard(std::string_view level) {
  return level == "+" || level == "#";
}

std::string customer_prefix(std::string_view customer) {
  return "popflow:{c:" + std::string(customer) + "}:";
}

}  // namespace

std::optional<TopicChannels> channels_of_topic(std::string_view topic) {
  const auto levels = levels_of(topic);
  if (levels.size() < 3 || !is_tenant_root(levels[0])) return std::nullopt;
  const auto prefix = customer_prefix(levels[1]);
  return TopicChannels{.agent = prefix + "a:" + std::string(levels.back()),
                       .customer = prefix + "all"};
}

std::optional<std::string> channel_of_filter(std::string_view filter) {
  const auto levels = levels_of(filter);
  if (levels.size() < 2 || !is_tenant_root(levels[0]) || is_wildcard(levels[1]))
    return std::nullopt;
  const auto prefix = customer_prefix(levels[1]);
  // CTI/C/# also matches CTI/C itself, which no trigger uses; CTI/C alone matches no trigger.
  if (is_wildcard(levels.back())) return prefix + "all";
  if (levels.size() < 3) return std::nullopt;
  return prefix + "a:" + std::string(levels.back());
}

}  // namespace popflow::cluster
