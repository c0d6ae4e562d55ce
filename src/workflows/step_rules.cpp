// check_step(): the fields of each step type (docs/workflows.md "Steps"). The table below
// is the one list of field names; the check functions say what each field must hold.
#include "workflows/step_rules.hpp"

#include <algorithm>
#include <array>

#include "workflows/did_you_mean.hpp"
#include "workflows/step_fields.hpp"

namespace popflow::workflows::detail {
namespace {

namespace json = boost::json;
using Names = std::vector<std::string_view>;

struct TypeRule {
  StepType type;
  std::string_view name;
  Names fields;  // the type's own, in canonical order
};

const std::array<TypeRule, 15>& rules() {
  static const std::array<TypeRule, 15> table = {{
      {StepType::show, "show", {"title", "fields", "sound", "notify"}},
      {StepType::form, "form", {"title", "fields", "buttons", "save_as"}},
      {StepType::choose, "choose", {"title", "rows", "as", "columns", "buttons", "save_as"}},
      {StepType::notify, "notify", {"title", "message", "level"}},
      {StepType::open_url, "open_url", {"url", "target"}},
      {StepType::open_record, "open_record", {"record_type", "record_id", "target"}},
      {StepType::new_record, "new_record", {"record_type", "target"}},
      {StepType::open_search, "open_search", {"term", "target"}},
      {StepType::http, "http", {"method", "url", "headers", "body", "save_as", "timeout_ms"}},
      {StepType::if_, "if", {"all", "any"}},
      {StepType::switch_, "switch", {"value", "cases"}},
      {StepType::for_each, "for_each", {"items", "as", "limit"}},
      {StepType::set, "set", {"vars"}},
      {StepType::log, "log", {"message", "level"}},
      {StepType::stop, "stop", {"outcome", "reason"}},
  }};
  return table;
}

const std::vector<std::string> kTargets = {"tab", "self"};
const std::vector<std::string> kLevels = {"info", "warning", "error"};
const std::vector<std::string> kOutcomes = {"executed", "failed"};

// The type's own checks; fills `branches` (the names `next` may use).
Fault check_fields(const StepReader& r, StepType type, std::vector<std::string>& branches) {
  const auto done = [&] { branches = {"done"}; };
  switch (type) {
    case StepType::show:
      done();
      if (auto f = r.templ(r.get("title"), "title", Need::required)) return f;
      if (auto f = check_label_values(r, "fields", Need::optional, definition_roots())) return f;
      if (auto f = r.boolean(r.get("sound"), "sound")) return f;
      return r.boolean(r.get("notify"), "notify");
    case StepType::form:
      if (auto f = r.templ(r.get("title"), "title", Need::required)) return f;
      if (auto f = check_form_fields(r)) return f;
      if (auto f = check_buttons(r, branches)) return f;
      return r.identifier(r.get("save_as"), "save_as", Need::optional);
    case StepType::choose:
      return check_choose(r, branches);
    case StepType::notify:
      done();
      if (auto f = r.templ(r.get("title"), "title", Need::optional)) return f;
      if (auto f = r.templ(r.get("message"), "message", Need::required)) return f;
      return r.choice(r.get("level"), "level", Need::optional, kLevels);
    case StepType::open_url:
      done();
      if (auto f = r.url(r.get("url"), "url", Need::required)) return f;
      return r.choice(r.get("target"), "target", Need::optional, kTargets);
    case StepType::open_record:
      done();
      if (auto f = r.templ(r.get("record_type"), "record_type", Need::required)) return f;
      if (auto f = r.templ(r.get("record_id"), "record_id", Need::required)) return f;
      return r.choice(r.get("target"), "target", Need::optional, kTargets);
    case StepType::new_record:
      done();
      if (auto f = r.templ(r.get("record_type"), "record_type", Need::required)) return f;
      return r.choice(r.get("target"), "target", Need::optional, kTargets);
    case StepType::open_search:
      done();
      if (auto f = r.templ(r.get("term"), "term", Need::required)) return f;
      return r.choice(r.get("target"), "target", Need::optional, kTargets);
    case StepType::http:
      branches = {"ok", "error"};
      return check_http(r);
    case StepType::if_:
      branches = {"then", "else"};
      return check_conditions(r);
    case StepType::switch_:
      if (auto f = r.templ(r.get("value"), "value", Need::required)) return f;
      return check_cases(r, branches);
    case StepType::for_each:
      branches = {"body", "done"};
      if (auto f = r.value_ref(r.get("items"), "items", Need::required)) return f;
      if (auto f = check_as(r)) return f;
      return r.integer(r.get("limit"), "limit", 1, r.limits().max_for_each_items);
    case StepType::set:
      done();
      return check_vars(r);
    case StepType::log:
      done();
      if (auto f = r.templ(r.get("message"), "message", Need::required)) return f;
      return r.choice(r.get("level"), "level", Need::optional, kLevels);
    case StepType::stop:
      branches.clear();
      if (auto f = r.choice(r.get("outcome"), "outcome", Need::optional, kOutcomes)) return f;
      return r.templ(r.get("reason"), "reason", Need::optional);
  }
  return std::nullopt;
}

Checked<std::vector<Branch>> check_next(const StepReader& r, const json::value* next,
                                        const std::vector<std::string>& branches) {
  std::vector<Branch> out;
  if (next == nullptr) return out;
  const auto* object = next->if_object();
  if (object == nullptr)
    return r.fail("next", "field 'next' must be an object of branch names to step ids");
  if (branches.empty() && !object->empty())
    return r.fail("next", r.a_step() + " ends the run and has no branches; remove 'next'");
  for (const auto& member : *object) {
    const std::string name(member.key());
    if (std::find(branches.begin(), branches.end(), name) == branches.end()) {
      std::string list;
      for (const auto& b : branches) list += (list.empty() ? "'" : ", '") + b + "'";
      const auto best = did_you_mean(name, branches);
      return r.fail("next." + name, "branch '" + name + "' is not a branch of this " +
                                        std::string(r.type_name()) + " step (" + list + ")" +
                                        (best ? "; did you mean '" + *best + "'?" : ""));
    }
    const auto* target = member.value().if_string();
    if (target == nullptr || target->empty())
      return r.fail("next." + name, "branch '" + name + "' must name a step id");
    out.push_back({name, std::string(*target)});
  }
  // The type's order, so equal definitions give equal Steps whatever the author's order.
  std::sort(out.begin(), out.end(), [&](const Branch& a, const Branch& b) {
    return std::find(branches.begin(), branches.end(), a.name) <
           std::find(branches.begin(), branches.end(), b.name);
  });
  return out;
}

}  // namespace

const std::vector<std::string_view>& step_fields(StepType type) {
  static const auto all = [] {
    std::array<Names, 15> out;
    for (const auto& rule : rules()) {
      auto& names = out[static_cast<std::size_t>(rule.type)];
      names = {"type", "label"};
      names.insert(names.end(), rule.fields.begin(), rule.fields.end());
      names.push_back("next");
    }
    return out;
  }();
  return all[static_cast<std::size_t>(type)];
}

Checked<Step> check_step(const std::string& id, const json::value& value,
                         const DefinitionLimits& limits) {
  const auto at = "steps." + id;
  const auto* object = value.if_object();
  if (object == nullptr) return invalid(at, "step '" + id + "' must be an object with a \"type\"");
  const auto* type_value = object->if_contains("type");
  if (type_value == nullptr || !type_value->is_string())
    return invalid(at + ".type", "step '" + id + "': field 'type' is missing; give the step " +
                                     "a type such as \"show\"");
  const std::string_view type_name(type_value->get_string());
  const auto type = step_type_from(type_name);
  if (!type) {
    std::vector<std::string> names;
    for (const auto& rule : rules()) names.emplace_back(rule.name);
    const auto best = did_you_mean(type_name, names);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return invalid(at + ".type", "step '" + id + "': type '" + std::string(type_name) +
                                     "' is not a step type (" + list + ")" +
                                     (best ? "; did you mean '" + *best + "'?" : ""));
  }
  StepReader r(id, *object, *type, limits);
  const auto what = StepReader::a_step_of(*type);
  if (auto f = r.only(value, "", step_fields(*type), what)) return *f;
  Step step;
  step.id = id;
  step.type = *type;
  if (auto f = r.text(r.get("label"), "label", Need::optional)) return *f;
  if (const auto* label = r.get("label")) step.label = std::string(label->get_string());
  if (auto f = check_fields(r, *type, step.branches)) return *f;
  auto next = check_next(r, r.get("next"), step.branches);
  if (!next) return next.error();
  step.next = std::move(*next);
  return step;
}

}  // namespace popflow::workflows::detail

namespace popflow::workflows {

std::string_view to_string(StepType type) {
  for (const auto& rule : detail::rules())
    if (rule.type == type) return rule.name;
  return "show";
}

std::optional<StepType> step_type_from(std::string_view text) {
  for (const auto& rule : detail::rules())
    if (rule.name == text) return rule.type;
  return std::nullopt;
}

}  // namespace popflow::workflows
