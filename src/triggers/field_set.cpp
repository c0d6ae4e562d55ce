#include "triggers/field_set.hpp"

#include <strings.h>

namespace popflow::triggers {
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

}  // namespace popflow::triggers
