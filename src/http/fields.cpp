#include "http/fields.hpp"

#include <strings.h>

#include "http/query.hpp"
#include "topics/utf8.hpp"

namespace popflow::http {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Checked<void> check_value_size(const std::string& name, const boost::json::value& value,
                               const FieldLimits& limits) {
  if (value.is_string() && value.get_string().size() > limits.max_value_bytes)
    return too_large("field '" + name + "' is longer than " +
                         std::to_string(limits.max_value_bytes) + " bytes; shorten it",
                     name);
  return {};
}

}  // namespace

Checked<void> FieldSet::add(std::string name, boost::json::value value, const FieldLimits& limits,
                            boost::json::string literal) {
  if (find(name)) {
    return bad_request("duplicate_field",
                       "field '" + name +
                           "' was sent more than once (names are compared ignoring case, "
                           "after decoding escapes); send it once",
                       name);
  }
  if (fields_.size() >= limits.max_fields)
    return too_large("more than " + std::to_string(limits.max_fields) +
                     " fields were sent; send fewer");
  // The API key has its own bound (auth::kMaxTokenBytes), whatever max_value_bytes says.
  if (!same_name(name, "jwt"))
    if (auto size = check_value_size(name, value, limits); !size) return size;
  fields_.push_back({std::move(name), std::move(value), std::move(literal)});
  return {};
}

const Field* FieldSet::find(std::string_view name) const {
  for (const auto& field : fields_)
    if (!field.taken && same_name(field.name, name)) return &field;
  return nullptr;
}

boost::json::value FieldSet::take(std::string_view name) {
  for (auto& field : fields_) {
    if (field.taken || !same_name(field.name, name)) continue;
    field.taken = true;
    return std::move(field.value);
  }
  return nullptr;
}

Checked<void> add_form_fields(std::string_view text, const FieldLimits& limits, FieldSet& out) {
  std::string escaped;
  auto params = parse_lenient_query(text, escaped);
  if (!params)
    return bad_request("malformed_body",
                       "the form or query string has a bad %-escape; encode reserved characters "
                       "as %XX");
  boost::urls::encoding_opts plus_is_space(/*space_as_plus=*/true);
  for (const auto& param : *params) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    auto name = param.key.decode(plus_is_space);
    auto value = param.value.decode(plus_is_space);
    // Never echo bytes that are not UTF-8: the error body is JSON.
    if (!is_valid_utf8(name))
      return bad_request("invalid_field", "a field name is not valid UTF-8; encode it as UTF-8");
    if (!is_valid_utf8(value))
      return bad_request("invalid_field",
                         "field '" + name + "' is not valid UTF-8; encode it as UTF-8", name);
    if (auto added = out.add(std::move(name), boost::json::string(value, out.storage()), limits);
        !added)
      return added;
  }
  return {};
}

}  // namespace popflow::http
