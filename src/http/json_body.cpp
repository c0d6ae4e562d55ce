#include "http/json_body.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

namespace popflow::http {

Checked<boost::json::object> json_object_body(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes)
    return too_large("the body is larger than " + std::to_string(max_bytes) + " bytes");
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec)
    return bad_request("malformed_json",
                       "the body is not valid JSON (" + ec.message() + "); send one JSON object");
  if (!value.is_object()) return bad_request("malformed_json", "the body must be a JSON object");
  return std::move(value.get_object());
}

Checked<std::optional<std::string>> optional_string_member(const boost::json::object& object,
                                                           std::string_view name) {
  const auto* value = object.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::string>{};
  if (!value->is_string())
    return bad_request("invalid_field", "field '" + std::string(name) + "' must be a string",
                       std::string(name));
  return std::optional<std::string>(std::string(value->get_string()));
}

Checked<std::string> string_member(const boost::json::object& object, std::string_view name) {
  auto value = optional_string_member(object, name);
  if (!value) return value.error();
  if (!*value || (*value)->empty())
    return bad_request("missing_field", "field '" + std::string(name) + "' is required",
                       std::string(name));
  return std::move(**value);
}

Checked<std::optional<std::vector<std::string>>> optional_string_list(
    const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::vector<std::string>>{};
  const auto invalid =
      bad_request("invalid_field", "field '" + std::string(name) + "' must be a list of strings",
                  std::string(name));
  if (!value->is_array()) return invalid;
  std::vector<std::string> list;
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) return invalid;
    list.emplace_back(item.get_string());
  }
  return std::optional(std::move(list));
}

Checked<std::optional<std::int64_t>> optional_integer_member(const boost::json::object& object,
                                                             std::string_view name) {
  const auto* value = object.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::int64_t>{};
  if (value->is_int64()) return std::optional(value->get_int64());
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX)
    return std::optional(static_cast<std::int64_t>(value->get_uint64()));
  return bad_request("invalid_field", "field '" + std::string(name) + "' must be an integer",
                     std::string(name));
}

Checked<std::optional<bool>> optional_bool_member(const boost::json::object& object,
                                                  std::string_view name) {
  const auto* value = object.if_contains(name);
  if (!value || value->is_null()) return std::optional<bool>{};
  if (value->is_bool()) return std::optional(value->get_bool());
  return bad_request("invalid_field", "field '" + std::string(name) + "' must be true or false",
                     std::string(name));
}

Checked<void> only_members(const boost::json::object& object,
                           std::initializer_list<std::string_view> known) {
  for (const auto& member : object) {
    if (std::ranges::find(known, std::string_view(member.key())) != known.end()) continue;
    std::string list;
    for (auto name : known) list.append(list.empty() ? "" : ", ").append(name);
    return bad_request(
        "unknown_field",
        "field '" + std::string(member.key()) + "' is not known here; expected " + list,
        std::string(member.key()));
  }
  return {};
}

}  // namespace popflow::http
