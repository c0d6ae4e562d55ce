// Topic names and filters (topics/topic.hpp) and SUBSCRIBE's filter rules
// (mqtt::is_valid_subscribe_filter), on a filter and a topic taken from the input.
// Checks beyond "no crash, no UB, no leak":
//   - topic_matches() agrees with a plain level-by-level reference matcher on every valid
//     filter and valid topic name;
//   - a valid name is a valid filter that matches itself; a value topic_segment_problem()
//     accepts is one valid level; 3.1.1 subscribe filters are exactly the topic filters.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/subscribe.hpp"
#include "topics/topic.hpp"

namespace {

using namespace popflow;

void require(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string_view> split_levels(std::string_view s) {
  std::vector<std::string_view> levels;
  for (;;) {
    const auto slash = s.find('/');
    levels.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) return levels;
    s.remove_prefix(slash + 1);
  }
}

// MQTT 5.0 section 4.7, written the obvious way.
bool reference_matches(std::string_view filter, std::string_view topic) {
  if (topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return false;
  const auto f = split_levels(filter);
  const auto t = split_levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // also matches the parent level: "a/#" matches "a"
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string filter = input.ConsumeRandomLengthString(512);
  const std::string topic = input.ConsumeRemainingBytesAsString();

  const bool filter_ok = is_valid_topic_filter(filter);
  const bool topic_ok = is_valid_topic_name(topic);
  if (topic_ok) {
    require(is_valid_topic_filter(topic));
    require(topic_matches(topic, topic));
  }
  if (filter_ok && topic_ok)
    require(topic_matches(filter, topic) == reference_matches(filter, topic));
  (void)topic_matches(filter, topic);  // whatever the caller passes, no crash

  const auto problem = topic_segment_problem(topic);
  if (!problem) {
    require(is_valid_topic_name(topic));
    require(topic.find('/') == std::string::npos);
  }

  using mqtt::ProtocolVersion;
  require(mqtt::is_valid_subscribe_filter(ProtocolVersion::v311, filter) == filter_ok);
  if (mqtt::is_valid_subscribe_filter(ProtocolVersion::v5, filter) &&
      !mqtt::is_shared_filter(ProtocolVersion::v5, filter))
    require(filter_ok);
  return 0;
}
