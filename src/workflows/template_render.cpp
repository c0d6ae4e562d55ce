// render() and validate_url_templates(): template.hpp's rules applied. Rendering allocates
// only the output text and the missing list; a value is read where it is in the context.
#include <boost/json/serialize.hpp>

#include "workflows/template.hpp"

namespace popflow::workflows {
namespace {

namespace json = boost::json;

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

const json::value* find(const json::object& context, const std::vector<std::string>& segments) {
  const auto root = context.find(segments.front());
  if (root == context.end()) return nullptr;
  const json::value* at = &root->value();
  for (std::size_t i = 1; i < segments.size(); ++i) {
    const auto& segment = segments[i];
    if (const auto* object = at->if_object()) {
      const auto member = object->find(segment);
      if (member == object->end()) return nullptr;
      at = &member->value();
    } else if (const auto* array = at->if_array(); array && all_digits(segment)) {
      if (segment.size() > 9) return nullptr;
      const auto index = std::stoul(segment);
      if (index >= array->size()) return nullptr;
      at = &(*array)[index];
    } else {
      return nullptr;
    }
  }
  return at;
}

std::string as_text(const json::value& value) {
  if (const auto* text = value.if_string()) return std::string(text->data(), text->size());
  if (value.is_null()) return {};
  return json::serialize(value);
}

std::string urlencode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string apply(Filter filter, std::string text) {
  switch (filter) {
    case Filter::urlencode:
      return urlencode(text);
    case Filter::digits:
      std::erase_if(text, [](char c) { return c < '0' || c > '9'; });
      return text;
    case Filter::lower:
      for (auto& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      return text;
    case Filter::upper:
      for (auto& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      return text;
    case Filter::json:
      return json::serialize(json::string_view(text));
  }
  return text;
}

// One placeholder: the value (or the default, or nothing) then the filters. Until a filter
// turns it into text the value is kept as JSON, so |json of a number or an object is that
// value's JSON and of a missing one `null`.
std::string render_placeholder(const Placeholder& p, const json::object& context,
                               std::vector<std::string>& missing) {
  const json::value* value = find(context, p.segments);
  if (value == nullptr && std::find(missing.begin(), missing.end(), p.path) == missing.end())
    missing.push_back(p.path);
  const bool use_fallback = p.fallback && (value == nullptr || value->is_null());
  std::size_t first = 0;
  std::string text;
  if (use_fallback) {
    text = *p.fallback;
  } else if (!p.filters.empty() && p.filters.front() == Filter::json) {
    text = value ? json::serialize(*value) : "null";
    first = 1;
  } else if (value) {
    text = as_text(*value);
  }
  for (std::size_t i = first; i < p.filters.size(); ++i) text = apply(p.filters[i], text);
  return text;
}

Problem url_problem(std::string_view name, std::string_view field, const std::string& what) {
  return bad_request("invalid_url_template", "the " + std::string(name) + " URL template " + what,
                     std::string(field));
}

}  // namespace

Rendered render(const Template& t, const json::object& context) {
  Rendered out;
  for (const auto& part : t.parts) {
    if (const auto* literal = std::get_if<std::string>(&part))
      out.text += *literal;
    else
      out.text += render_placeholder(std::get<Placeholder>(part), context, out.missing_paths);
  }
  return out;
}

Checked<void> validate_url_templates(const UrlTemplates& urls) {
  const std::tuple<std::string_view, std::string_view, const std::string*> all[] = {
      {"record", "urlTemplates.record", &urls.record},
      {"new-record", "urlTemplates.newRecord", &urls.new_record},
      {"search", "urlTemplates.search", &urls.search}};
  for (const auto& [name, field, text] : all) {
    auto parsed = parse_template(*text, url_template_roots());
    if (!parsed) return url_problem(name, field, "is invalid " + parsed.error().message);
    if (!parsed->starts_with_http_scheme())
      return url_problem(name, field,
                         "must start with https:// or http:// (it opens in the agent's "
                         "browser); write the scheme and host literally");
  }
  return {};
}

}  // namespace popflow::workflows
