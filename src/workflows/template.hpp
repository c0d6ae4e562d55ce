#pragma once
// Templates: text with `{path}` placeholders, as workflow definitions (definition.hpp) and
// instance URL templates (catalog.hpp) use them. Parsed once when a definition is saved, so
// a typo is refused then; rendered by whoever runs the step (the agent's client has its
// own renderer of the same syntax: docs/workflows.md is the reference both follow).
//
//   Hello {interaction.name ?? 'caller'}, ticket {vars.lookup.body.items.0.id|urlencode}
//
// - A path is a root and dot-separated segments; a segment of digits indexes an array
//   (`items.0`), and names a key on an object. Segments hold any character but
//   . | { } ? ' and whitespace.
// - `?? 'text'` (optional, before the filters) replaces a missing or null value; `\'` is a
//   quote and `\\` a backslash inside it.
// - Filters, applied left to right: urlencode (RFC 3986: all but A-Z a-z 0-9 - . _ ~ as
//   %XX), digits (keeps 0-9), lower, upper (ASCII), json (the value as JSON text: a string
//   quoted, a missing value `null`).
// - `{{` and `}}` are literal braces; spaces are allowed around `??` and `|`.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/problem.hpp"
#include "workflows/catalog.hpp"

namespace popflow::workflows {

enum class Filter : std::uint8_t { urlencode, digits, lower, upper, json };

// A root a template may start with. `fields` empty: any path below it; else the one level
// below it must be one of them (a typo such as trigger.crmid is refused).
struct Root {
  std::string name;
  std::vector<std::string> fields;
};
using Roots = std::vector<Root>;

// interaction, trigger (id, channel, agentId, event, crmId, ctiId, receivedAt), agent, vars.
const Roots& definition_roots();
// trigger, record (type, id), search (term): catalog.hpp's UrlTemplates.
const Roots& url_template_roots();

struct Placeholder {
  std::string path;                   // as written: "vars.lookup.items.0"
  std::vector<std::string> segments;  // root first
  std::optional<std::string> fallback;
  std::vector<Filter> filters;
};

struct Template {
  std::vector<std::variant<std::string, Placeholder>> parts;

  bool has_placeholders() const;
  // The text before the first placeholder (open_url checks its scheme there).
  std::string_view literal_prefix() const;
  // The literal prefix starts with http:// or https:// (any case): the URL cannot be
  // steered to javascript: or another scheme by a value.
  bool starts_with_http_scheme() const;
};

// Problem 400 "invalid_template"; its message names the 1-based byte position and what is
// wrong (unknown root or field, unknown filter, unclosed brace or quote, empty path).
Checked<Template> parse_template(std::string_view text, const Roots& roots);

struct Rendered {
  std::string text;
  std::vector<std::string> missing_paths;  // each missing path once, in order of appearance
};

// Never fails: a missing path renders empty (or its default) and is listed. A string renders
// as itself, a number or bool as JSON, null as nothing, an object or array as compact JSON.
// `context` holds one member per root ("interaction", "trigger", ...).
Rendered render(const Template& t, const boost::json::object& context);

// Each of an instance's URL templates parses with url_template_roots() and starts with
// http:// or https://. Problem 400 "invalid_url_template", field "urlTemplates.record",
// "urlTemplates.newRecord" or "urlTemplates.search" (as the admin API names them).
Checked<void> validate_url_templates(const UrlTemplates& urls);

}  // namespace popflow::workflows
