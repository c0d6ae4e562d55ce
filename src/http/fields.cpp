#include "http/fields.hpp"

#include "http/query.hpp"
#include "topics/utf8.hpp"

namespace popflow::http {

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
