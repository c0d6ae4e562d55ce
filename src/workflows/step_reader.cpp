#include "workflows/step_reader.hpp"

#include <algorithm>

#include "workflows/did_you_mean.hpp"
#include "workflows/step_rules.hpp"

namespace popflow::workflows::detail {
namespace {

namespace json = boost::json;

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Problem invalid(std::string field, std::string message) {
  return bad_request("invalid_definition", std::move(message), std::move(field));
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64 || (text[0] >= '0' && text[0] <= '9')) return false;
  return std::all_of(text.begin(), text.end(), is_word_char);
}

bool is_id(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_word_char(c) || c == '-'; });
}

std::string quoted_list(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string StepReader::a_step_of(StepType type) {
  const std::string name(to_string(type));
  const bool vowel = std::string_view("aeiou").find(name.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + name + " step";
}

const json::value* StepReader::get(std::string_view name) const {
  return step_.if_contains(name);
}

Problem StepReader::fail(const std::string& path, const std::string& message) const {
  return invalid("steps." + id_ + "." + path, "step '" + id_ + "': " + message);
}

Fault StepReader::missing(const std::string& path, Need need, const json::value* v) const {
  if (v != nullptr || need == Need::optional) return std::nullopt;
  return fail(path, "field '" + path + "' is missing; " + a_step() + " needs it");
}

Fault StepReader::templ(const json::value* v, const std::string& path, Need need,
                        const Roots& roots) const {
  if (v == nullptr) return missing(path, need, v);
  if (!v->is_string()) return fail(path, "field '" + path + "' must be a text (a template)");
  const auto& s = v->get_string();
  if (s.size() > limits_.max_template_bytes)
    return fail(path, "field '" + path + "' is " + std::to_string(s.size()) +
                          " bytes; a template has at most " +
                          std::to_string(limits_.max_template_bytes));
  auto parsed = parse_template({s.data(), s.size()}, roots);
  if (!parsed)
    return fail(path, "field '" + path + "' is not a valid template " + parsed.error().message);
  return std::nullopt;
}

Fault StepReader::value_ref(const json::value* v, const std::string& path, Need need) const {
  if (auto fault = templ(v, path, need)) return fault;
  if (v == nullptr) return std::nullopt;
  const auto& s = v->get_string();
  auto parsed = parse_template({s.data(), s.size()}, definition_roots());
  const auto& parts = parsed->parts;
  const auto* only = parts.size() == 1 ? std::get_if<Placeholder>(&parts.front()) : nullptr;
  if (only == nullptr || !only->filters.empty())
    return fail(path, "field '" + path + "' must be one placeholder naming an array, such as " +
                          "{vars.lookup.body.items}, with no text or filters around it");
  return std::nullopt;
}

Fault StepReader::url(const json::value* v, const std::string& path, Need need) const {
  if (auto fault = templ(v, path, need)) return fault;
  if (v == nullptr) return std::nullopt;
  const auto& s = v->get_string();
  auto parsed = parse_template({s.data(), s.size()}, definition_roots());
  if (!parsed->starts_with_http_scheme())
    return fail(path, "field '" + path + "' must start with https:// or http:// written out " +
                          "(a placeholder may follow, as in https://{vars.host}/...)");
  return std::nullopt;
}

Fault StepReader::text(const json::value* v, const std::string& path, Need need) const {
  if (v == nullptr) return missing(path, need, v);
  if (!v->is_string()) return fail(path, "field '" + path + "' must be a text");
  if (v->get_string().size() > limits_.max_template_bytes)
    return fail(path, "field '" + path + "' is longer than " +
                          std::to_string(limits_.max_template_bytes) + " bytes");
  return std::nullopt;
}

Fault StepReader::boolean(const json::value* v, const std::string& path) const {
  if (v == nullptr || v->is_bool()) return std::nullopt;
  return fail(path, "field '" + path + "' must be true or false");
}

Fault StepReader::choice(const json::value* v, const std::string& path, Need need,
                         const std::vector<std::string>& choices) const {
  if (v == nullptr) return missing(path, need, v);
  const auto* s = v->if_string();
  if (s && std::find(choices.begin(), choices.end(), std::string_view(*s)) != choices.end())
    return std::nullopt;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  std::string hint;
  if (s)
    if (auto best = did_you_mean({s->data(), s->size()}, choices))
      hint = "; did you mean '" + *best + "'?";
  return fail(path, "field '" + path + "' must be one of " + list + hint);
}

Fault StepReader::identifier(const json::value* v, const std::string& path, Need need) const {
  if (v == nullptr) return missing(path, need, v);
  const auto* s = v->if_string();
  if (s && is_identifier(*s)) return std::nullopt;
  return fail(path, "field '" + path + "' must be a name of letters, digits and _ (not " +
                        "starting with a digit, at most 64), such as lookup");
}

Fault StepReader::integer(const json::value* v, const std::string& path, long long min,
                          long long max) const {
  if (v == nullptr) return std::nullopt;
  std::optional<long long> n;
  if (const auto* i = v->if_int64())
    n = *i;
  else if (const auto* u = v->if_uint64(); u && *u <= static_cast<unsigned long long>(max))
    n = static_cast<long long>(*u);
  if (n && *n >= min && *n <= max) return std::nullopt;
  return fail(path, "field '" + path + "' must be a whole number from " + std::to_string(min) +
                        " to " + std::to_string(max));
}

Fault StepReader::only(const json::value& v, const std::string& path,
                       const std::vector<std::string_view>& allowed, std::string_view what) const {
  const auto* object = v.if_object();
  if (object == nullptr)
    return fail(path, "field '" + path + "' must be an object (" + quoted_list(allowed) + ")");
  for (const auto& member : *object) {
    const std::string_view key(member.key().data(), member.key().size());
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::vector<std::string> names(allowed.begin(), allowed.end());
    const auto best = did_you_mean(key, names);
    const auto at = path.empty() ? std::string(key) : path + "." + std::string(key);
    return fail(at, "field '" + std::string(key) + "' is not a field of " + std::string(what) +
                        " (" + quoted_list(allowed) + ")" +
                        (best ? "; did you mean '" + *best + "'?" : "; remove it"));
  }
  return std::nullopt;
}

Fault StepReader::array_of_objects(const json::value* v, const std::string& path, Need need,
                                   std::size_t max) const {
  if (v == nullptr) return missing(path, need, v);
  const auto* array = v->if_array();
  if (array == nullptr) return fail(path, "field '" + path + "' must be an array of objects");
  if (array->size() > max)
    return fail(path, "field '" + path + "' has " + std::to_string(array->size()) +
                          " entries; at most " + std::to_string(max));
  if (array->empty() && need == Need::required)
    return fail(path, "field '" + path + "' is empty; give it at least one entry");
  return std::nullopt;
}

}  // namespace popflow::workflows::detail
