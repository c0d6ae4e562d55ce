#pragma once
// JSON text to a boost::json::value, refusing what boost::json::parse() lets through
// silently: a repeated key in one object (parse keeps the last; Boost 1.81 has no
// allow_duplicate_keys option). Used for workflow definitions, where a second "next" or
// "title" would otherwise hide the first without a word.
#include <boost/json/value.hpp>
#include <string_view>

#include "core/problem.hpp"

namespace popflow::workflows {

// A Problem 400 with `code`: malformed JSON (the offset and Boost.JSON's reason), nesting
// deeper than max_depth, or a duplicate key (its JSON path in `field`, e.g.
// "steps.pop.title"). Comments, trailing commas and invalid UTF-8 are refused.
Checked<boost::json::value> parse_strict_json(std::string_view text, std::string_view code,
                                              std::size_t max_depth = 64);

}  // namespace popflow::workflows
