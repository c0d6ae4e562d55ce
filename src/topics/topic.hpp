#pragma once
// Topic names and filters, MQTT syntax (MQTT 5.0 section 4.7).
//
// Valid filters:          CTI/acme/1001   CTI/acme/+/1001   CTI/#   #   +   +/+   /finance
// Invalid filters:        CTI/acme/10+1 (wildcard inside a level)   CTI/#/1001 (# not last)
//                         "" (empty)   text with NUL or invalid UTF-8
// Valid but non-matching: "+/x" does not match "$SYS/x"; "#" does not match "$SYS/x"
//                         ($-topics are not matched by a wildcard at the first level);
//                         "CTI/acme/+" does not match "CTI/acme/env1/1001" (+ is one level).
#include <optional>
#include <string>
#include <string_view>

namespace popflow {

inline constexpr std::size_t kMaxTopicBytes = 65535;
inline constexpr std::size_t kMaxTopicSegmentBytes = 256;

bool is_valid_topic_name(std::string_view topic);
bool is_valid_topic_filter(std::string_view filter);
bool topic_matches(std::string_view filter, std::string_view topic);

// Why a value sent in a trigger cannot be one level of a topic, or nullopt when it can.
// Refuses empty values, '/', '+', '#', control characters, invalid UTF-8 and values over
// kMaxTopicSegmentBytes. The text completes "<field> ...", e.g. "must not contain '/'".
std::optional<std::string> topic_segment_problem(std::string_view value);

}  // namespace popflow
