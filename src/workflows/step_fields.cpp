#include "workflows/step_fields.hpp"

#include <algorithm>

namespace popflow::workflows::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxEntries = 50;  // fields, columns, conditions, headers per step
constexpr std::size_t kMaxButtons = 10;
constexpr std::size_t kMaxCases = 100;
constexpr std::size_t kMaxCaseBytes = 200;

const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
const std::vector<std::string> kKinds = {"text", "textarea", "number", "select", "checkbox"};
const std::vector<std::string> kOps = {"equals",    "not_equals", "contains",  "starts_with",
                                       "ends_with", "empty",      "not_empty", "gt",
                                       "lt",        "matches"};

std::string at(const std::string& path, std::size_t index, std::string_view field = {}) {
  auto out = path + "[" + std::to_string(index) + "]";
  if (!field.empty()) out += "." + std::string(field);
  return out;
}

const json::array& array_at(const StepReader& r, std::string_view name) {
  static const json::array kEmpty;
  const auto* v = r.get(name);
  return v && v->is_array() ? v->get_array() : kEmpty;
}

bool is_token(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

// Every string inside an http body is a template; keys and other values are as written.
Fault check_body_value(const StepReader& r, const json::value& v, const std::string& path) {
  if (v.is_string()) return r.templ(&v, path, Need::required);
  if (const auto* object = v.if_object()) {
    for (const auto& member : *object)
      if (auto f = check_body_value(r, member.value(), path + "." + std::string(member.key())))
        return f;
  } else if (const auto* array = v.if_array()) {
    for (std::size_t i = 0; i < array->size(); ++i)
      if (auto f = check_body_value(r, (*array)[i], at(path, i))) return f;
  }
  return std::nullopt;
}

Fault check_button_list(const StepReader& r, std::vector<std::string>& branches,
                        std::string_view reserved) {
  if (auto f = r.array_of_objects(r.get("buttons"), "buttons", Need::required, kMaxButtons))
    return f;
  const auto& buttons = array_at(r, "buttons");
  branches.clear();
  for (std::size_t i = 0; i < buttons.size(); ++i) {
    if (auto f = r.only(buttons[i], at("buttons", i), {"id", "label"}, "a button")) return f;
    const auto* id = buttons[i].as_object().if_contains("id");
    if (auto f = r.missing(at("buttons", i, "id"), Need::required, id)) return f;
    const auto* text = id->if_string();
    if (text == nullptr || !is_id(*text))
      return r.fail(at("buttons", i, "id"),
                    "a button id is 1 to 64 letters, digits, _ or -; it "
                    "names the branch the button takes");
    const std::string name(*text);
    if (name == reserved)
      return r.fail(at("buttons", i, "id"), "the button id '" + name + "' is taken by the " +
                                                "step's own branch; choose another");
    if (std::find(branches.begin(), branches.end(), name) != branches.end())
      return r.fail(at("buttons", i, "id"), "the button id '" + name + "' is used twice");
    if (auto f = r.templ(buttons[i].as_object().if_contains("label"), at("buttons", i, "label"),
                         Need::required))
      return f;
    branches.push_back(name);
  }
  return std::nullopt;
}

}  // namespace

Fault check_label_values(const StepReader& r, const std::string& path, Need need,
                         const Roots& value_roots) {
  if (auto f = r.array_of_objects(r.get(path), path, need, kMaxEntries)) return f;
  const auto& entries = array_at(r, path);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto f = r.only(entries[i], at(path, i), {"label", "value"}, "a label and value")) return f;
    const auto& entry = entries[i].as_object();
    if (auto f = r.templ(entry.if_contains("label"), at(path, i, "label"), Need::required))
      return f;
    if (auto f =
            r.templ(entry.if_contains("value"), at(path, i, "value"), Need::required, value_roots))
      return f;
  }
  return std::nullopt;
}

Fault check_form_fields(const StepReader& r) {
  if (auto f = r.array_of_objects(r.get("fields"), "fields", Need::optional, kMaxEntries)) return f;
  const auto& fields = array_at(r, "fields");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (auto f =
            r.only(fields[i], at("fields", i),
                   {"name", "label", "kind", "required", "options", "default"}, "a form field"))
      return f;
    const auto& field = fields[i].as_object();
    if (auto f = r.identifier(field.if_contains("name"), at("fields", i, "name"), Need::required))
      return f;
    const std::string name(field.at("name").get_string());
    if (std::find(names.begin(), names.end(), name) != names.end())
      return r.fail(at("fields", i, "name"), "the form field name '" + name + "' is used twice");
    names.push_back(name);
    if (auto f = r.templ(field.if_contains("label"), at("fields", i, "label"), Need::optional))
      return f;
    const auto* kind = field.if_contains("kind");
    if (auto f = r.choice(kind, at("fields", i, "kind"), Need::optional, kKinds)) return f;
    if (auto f = r.boolean(field.if_contains("required"), at("fields", i, "required"))) return f;
    const bool select = kind && kind->get_string() == "select";
    const auto* options = field.if_contains("options");
    if (!select && options)
      return r.fail(at("fields", i, "options"),
                    "'options' is only for a field of kind select; "
                    "remove it or set \"kind\": \"select\"");
    if (select) {
      const auto* list = options ? options->if_array() : nullptr;
      if (list == nullptr || list->empty() || list->size() > kMaxCases)
        return r.fail(at("fields", i, "options"),
                      "a select field needs 'options': an array of "
                      "1 to 100 texts to pick from");
      for (std::size_t j = 0; j < list->size(); ++j)
        if (auto f = r.text(&(*list)[j], at(at("fields", i, "options"), j), Need::required))
          return f;
    }
    const auto* fallback = field.if_contains("default");
    if (fallback && fallback->is_string()) {
      if (auto f = r.templ(fallback, at("fields", i, "default"), Need::required)) return f;
    } else if (fallback && !fallback->is_bool() && !fallback->is_number()) {
      return r.fail(at("fields", i, "default"), "a default is a template, a number or a bool");
    }
  }
  return std::nullopt;
}

Fault check_buttons(const StepReader& r, std::vector<std::string>& branches) {
  return check_button_list(r, branches, {});
}

Fault check_choose(const StepReader& r, std::vector<std::string>& branches) {
  if (auto f = r.templ(r.get("title"), "title", Need::required)) return f;
  if (auto f = r.value_ref(r.get("rows"), "rows", Need::required)) return f;
  if (auto f = check_as(r)) return f;
  if (auto f = check_label_values(r, "columns", Need::required, definition_roots())) return f;
  if (auto f = check_button_list(r, branches, "cancel")) return f;
  branches.push_back("cancel");
  return r.identifier(r.get("save_as"), "save_as", Need::optional);
}

Fault check_http(const StepReader& r) {
  const auto* method = r.get("method");
  if (auto f = r.choice(method, "method", Need::required, kMethods)) return f;
  if (auto f = r.url(r.get("url"), "url", Need::required)) return f;
  if (const auto* headers = r.get("headers")) {
    const auto* object = headers->if_object();
    if (object == nullptr || object->size() > kMaxEntries)
      return r.fail("headers",
                    "field 'headers' must be an object of at most 50 header names "
                    "to templates");
    for (const auto& member : *object) {
      const std::string name(member.key());
      if (!is_token(name))
        return r.fail("headers." + name, "'" + name + "' is not an HTTP header name");
      if (auto f = r.templ(&member.value(), "headers." + name, Need::required)) return f;
    }
  }
  if (const auto* body = r.get("body")) {
    if (method->get_string() == "GET")
      return r.fail("body", "a GET request has no body; remove 'body' or use POST");
    if (auto f = check_body_value(r, *body, "body")) return f;
  }
  if (auto f = r.identifier(r.get("save_as"), "save_as", Need::optional)) return f;
  return r.integer(r.get("timeout_ms"), "timeout_ms", 1, r.limits().max_http_timeout_ms);
}

Fault check_conditions(const StepReader& r) {
  const auto* all = r.get("all");
  const auto* any = r.get("any");
  if (all && any) return r.fail("any", "use either 'all' or 'any', not both");
  if (!all && !any)
    return r.fail("all", "an if step needs 'all' (every condition holds) or 'any' (one does)");
  const std::string path = all ? "all" : "any";
  if (auto f = r.array_of_objects(all ? all : any, path, Need::required, kMaxEntries)) return f;
  const auto& conditions = array_at(r, path);
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (auto f = r.only(conditions[i], at(path, i), {"left", "op", "right"}, "a condition"))
      return f;
    const auto& condition = conditions[i].as_object();
    if (auto f = r.templ(condition.if_contains("left"), at(path, i, "left"), Need::required))
      return f;
    const auto* op = condition.if_contains("op");
    if (auto f = r.choice(op, at(path, i, "op"), Need::required, kOps)) return f;
    const auto* right = condition.if_contains("right");
    const bool unary = op->get_string() == "empty" || op->get_string() == "not_empty";
    if (unary && right)
      return r.fail(at(path, i, "right"), "op '" + std::string(op->get_string()) +
                                              "' looks at 'left' only; remove 'right'");
    if (!unary)
      if (auto f = r.templ(right, at(path, i, "right"), Need::required)) return f;
  }
  return std::nullopt;
}

Fault check_cases(const StepReader& r, std::vector<std::string>& branches) {
  const auto* cases = r.get("cases");
  if (auto f = r.missing("cases", Need::required, cases)) return f;
  const auto* list = cases->if_array();
  if (list == nullptr || list->empty() || list->size() > kMaxCases)
    return r.fail("cases",
                  "field 'cases' must be an array of 1 to 100 texts, the values to "
                  "branch on");
  branches.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto* text = (*list)[i].if_string();
    if (text == nullptr || text->empty() || text->size() > kMaxCaseBytes)
      return r.fail(at("cases", i), "a case is a non-empty text of at most 200 bytes");
    const std::string name(*text);
    if (name == "default")
      return r.fail(at("cases", i),
                    "'default' is the branch taken when no case matches; it "
                    "cannot be a case");
    if (std::find(branches.begin(), branches.end(), name) != branches.end())
      return r.fail(at("cases", i), "the case '" + name + "' is listed twice");
    branches.push_back(name);
  }
  branches.push_back("default");
  return std::nullopt;
}

Fault check_as(const StepReader& r) {
  return r.identifier(r.get("as"), "as", Need::optional);
}

Fault check_vars(const StepReader& r) {
  const auto* vars = r.get("vars");
  if (auto f = r.missing("vars", Need::required, vars)) return f;
  const auto* object = vars->if_object();
  if (object == nullptr || object->empty() || object->size() > kMaxCases)
    return r.fail("vars", "field 'vars' must be an object of 1 to 100 names to templates");
  for (const auto& member : *object) {
    const std::string name(member.key());
    if (!is_identifier(name))
      return r.fail("vars." + name, "'" + name + "' is not a variable name: letters, digits " +
                                        "and _, not starting with a digit");
    if (auto f = r.templ(&member.value(), "vars." + name, Need::required)) return f;
  }
  return std::nullopt;
}

}  // namespace popflow::workflows::detail
