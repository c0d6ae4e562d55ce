#pragma once
// Reading the JSON objects the admin API is sent, with errors that name the field: the
// CRUD helpers every admin handler shares. No I/O; any thread.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"

namespace popflow::http {

// The body as one JSON object: 400 malformed_json (with the parser's reason and offset) or
// a body that is not an object; 413 past max_bytes.
Checked<boost::json::object> json_object_body(std::string_view body, std::size_t max_bytes);

// A member that must be a string (required: present and non-empty). 400 invalid_field or
// missing_field naming it.
Checked<std::string> string_member(const boost::json::object& object, std::string_view name);
Checked<std::optional<std::string>> optional_string_member(const boost::json::object& object,
                                                           std::string_view name);
Checked<std::optional<std::vector<std::string>>> optional_string_list(
    const boost::json::object& object, std::string_view name);
Checked<std::optional<std::int64_t>> optional_integer_member(const boost::json::object& object,
                                                             std::string_view name);
Checked<std::optional<bool>> optional_bool_member(const boost::json::object& object,
                                                  std::string_view name);

// Members not in `known` are refused by name: a typo ("crmtype") must not be ignored.
Checked<void> only_members(const boost::json::object& object,
                           std::initializer_list<std::string_view> known);

}  // namespace popflow::http
