#include "topics/topic.hpp"

#include "topics/utf8.hpp"

namespace popflow {
namespace {

bool has_nul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

// Calls fn(level) for each '/'-separated level; stops early when fn returns false.
template <class Fn>
bool for_each_level(std::string_view s, Fn fn) {
  for (;;) {
    const auto slash = s.find('/');
    if (!fn(s.substr(0, slash), slash == std::string_view::npos)) return false;
    if (slash == std::string_view::npos) return true;
    s.remove_prefix(slash + 1);
  }
}

}  // namespace

bool is_valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic.size() > kMaxTopicBytes || has_nul(topic)) return false;
  if (topic.find_first_of("+#") != std::string_view::npos) return false;
  return is_valid_utf8(topic);
}

bool is_valid_topic_filter(std::string_view filter) {
  if (filter.empty() || filter.size() > kMaxTopicBytes || has_nul(filter)) return false;
  if (!is_valid_utf8(filter)) return false;
  return for_each_level(filter, [](std::string_view level, bool last) {
    if (level.find_first_of("+#") == std::string_view::npos) return true;
    if (level == "+") return true;
    return level == "#" && last;
  });
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#'))
    return false;
  for (;;) {
    const auto fslash = filter.find('/');
    const auto flevel = filter.substr(0, fslash);
    if (flevel == "#") return true;
    const auto tslash = topic.find('/');
    const auto tlevel = topic.substr(0, tslash);
    if (flevel != "+" && flevel != tlevel) return false;
    const bool filter_done = fslash == std::string_view::npos;
    const bool topic_done = tslash == std::string_view::npos;
    if (filter_done || topic_done) {
      // "a/#" also matches "a": the remaining filter is exactly "#".
      if (filter_done && topic_done) return true;
      return topic_done && filter.substr(fslash + 1) == "#";
    }
    filter.remove_prefix(fslash + 1);
    topic.remove_prefix(tslash + 1);
  }
}

std::optional<std::string> topic_segment_problem(std::string_view value) {
  if (value.empty()) return "must not be empty";
  if (value.size() > kMaxTopicSegmentBytes)
    return "must be at most " + std::to_string(kMaxTopicSegmentBytes) + " bytes";
  if (!is_valid_utf8(value)) return "must be valid UTF-8";
  for (unsigned char c : value) {
    if (c == '/') return "must not contain '/' (it separates topic levels)";
    if (c == '+' || c == '#') return "must not contain '+' or '#' (they are topic wildcards)";
    if (c < 0x20 || c == 0x7f) return "must not contain control characters";
  }
  return std::nullopt;
}

}  // namespace popflow
