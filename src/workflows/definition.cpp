// validate_definition(): the document's shape, then each step (step_rules.cpp), then the
// graph: every branch lands on a step, start is one, every step is reachable from start,
// no cycles, a for_each body is entered only from its for_each, and the longest path is
// bounded. Cost: linear in steps and branches (at most max_steps steps).
#include "workflows/definition.hpp"

#include <algorithm>
#include <unordered_map>

#include "workflows/did_you_mean.hpp"
#include "workflows/step_reader.hpp"
#include "workflows/step_rules.hpp"
#include "workflows/strict_json.hpp"

namespace popflow::workflows {
namespace {

namespace json = boost::json;
using detail::invalid;

constexpr std::size_t kMaxJsonDepth = 32;

std::string hint(std::string_view wanted, const std::vector<std::string>& ids) {
  const auto best = did_you_mean(wanted, ids);
  return best ? "; did you mean '" + *best + "'?" : "";
}

// The graph checks over validated steps; `index` maps a step id to its place in `steps`.
class Graph {
 public:
  Graph(const std::vector<Step>& steps, const std::unordered_map<std::string, std::size_t>& index)
      : steps_(steps),
        index_(index),
        state_(steps.size(), State::unseen),
        depth_(steps.size(), 0) {}

  // From start: a cycle, else the depth of every reachable step (steps on the longest path
  // from it to an end, itself included).
  std::optional<Problem> walk(std::size_t from) {
    state_[from] = State::open;
    path_.push_back(from);
    std::size_t deepest = 0;
    for (const auto& branch : steps_[from].next) {
      const auto to = index_.at(branch.target);
      if (state_[to] == State::open) return cycle(from, branch, to);
      if (state_[to] == State::unseen)
        if (auto problem = walk(to)) return problem;
      deepest = std::max(deepest, depth_[to]);
    }
    path_.pop_back();
    state_[from] = State::done;
    depth_[from] = deepest + 1;
    return std::nullopt;
  }
  bool reached(std::size_t step) const { return state_[step] == State::done; }
  std::size_t depth(std::size_t step) const { return depth_[step]; }

 private:
  enum class State { unseen, open, done };

  Problem cycle(std::size_t from, const Branch& branch, std::size_t to) const {
    std::string loop;
    const auto first = std::find(path_.begin(), path_.end(), to);
    for (auto it = first; it != path_.end(); ++it) loop += "'" + steps_[*it].id + "' -> ";
    loop += "'" + steps_[to].id + "'";
    const auto& id = steps_[from].id;
    return invalid("steps." + id + ".next." + branch.name,
                   "step '" + id + "': branch '" + branch.name + "' goes back to step '" +
                       steps_[to].id + "', a cycle (" + loop + "); workflows run forward " +
                       "only: use for_each to repeat steps");
  }

  const std::vector<Step>& steps_;
  const std::unordered_map<std::string, std::size_t>& index_;
  std::vector<State> state_;
  std::vector<std::size_t> depth_;
  std::vector<std::size_t> path_;
};

// The steps reachable from `from` (itself included), as flags.
std::vector<bool> reachable(const std::vector<Step>& steps,
                            const std::unordered_map<std::string, std::size_t>& index,
                            std::size_t from) {
  std::vector<bool> seen(steps.size(), false);
  std::vector<std::size_t> todo = {from};
  seen[from] = true;
  while (!todo.empty()) {
    const auto at = todo.back();
    todo.pop_back();
    for (const auto& branch : steps[at].next) {
      const auto to = index.at(branch.target);
      if (!seen[to]) todo.push_back(to);
      seen[to] = true;
    }
  }
  return seen;
}

// A for_each's body is its own sub-chain: a step in it is entered only from the for_each's
// `body` branch or from another step of the same body. (A body that ran into the steps
// after the loop would run them once per item.)
std::optional<Problem> check_bodies(const std::vector<Step>& steps,
                                    const std::unordered_map<std::string, std::size_t>& index) {
  for (std::size_t loop = 0; loop < steps.size(); ++loop) {
    const auto* body = steps[loop].target("body");
    if (steps[loop].type != StepType::for_each || body == nullptr) continue;
    const auto inside = reachable(steps, index, index.at(*body));
    for (std::size_t from = 0; from < steps.size(); ++from) {
      if (inside[from]) continue;
      for (const auto& branch : steps[from].next) {
        if (from == loop && branch.name == "body") continue;
        if (!inside[index.at(branch.target)]) continue;
        return invalid("steps." + steps[from].id + ".next." + branch.name,
                       "step '" + steps[from].id + "': branch '" + branch.name +
                           "' leads into the body of for_each '" + steps[loop].id + "' (at step '" +
                           branch.target + "'); a body is entered only " +
                           "from its for_each: copy the step or end the body there");
      }
    }
  }
  return std::nullopt;
}

Checked<std::vector<Step>> check_steps(const json::object& steps, const DefinitionLimits& limits) {
  std::vector<Step> out;
  for (const auto& member : steps) {
    const std::string id(member.key());
    if (!detail::is_id(id))
      return invalid("steps." + id, "step id '" + id +
                                        "' must be 1 to 64 letters, digits, _ "
                                        "or -");
    auto step = detail::check_step(id, member.value(), limits);
    if (!step) return step.error();
    out.push_back(std::move(*step));
  }
  return out;
}

}  // namespace

const std::string* Step::target(std::string_view branch) const {
  for (const auto& b : next)
    if (b.name == branch) return &b.target;
  return nullptr;
}

const Step* Definition::step(std::string_view id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

Checked<Definition> validate_definition(std::string_view json_text,
                                        const DefinitionLimits& limits) {
  if (json_text.size() > limits.max_bytes)
    return invalid({}, "the definition is " + std::to_string(json_text.size()) +
                           " bytes; at most " + std::to_string(limits.max_bytes) +
                           " are allowed: split it or shorten its texts");
  auto parsed = parse_strict_json(json_text, "invalid_definition", kMaxJsonDepth);
  if (!parsed) return parsed.error();
  Definition d;
  d.json = std::move(*parsed);
  const auto* root = d.json.if_object();
  if (root == nullptr) return invalid({}, "a definition is a JSON object {\"schema\": 1, …}");
  for (const auto& member : *root) {
    const std::string key(member.key());
    if (key != "schema" && key != "start" && key != "steps")
      return invalid(key, "field '" + key +
                              "' is not a field of a definition (schema, start, "
                              "steps); remove it");
  }
  const auto* schema = root->if_contains("schema");
  if (schema == nullptr || !schema->is_int64() || schema->get_int64() != 1)
    return invalid("schema", "field 'schema' must be 1 (the only definition format so far)");
  const auto* steps_value = root->if_contains("steps");
  const auto* steps_object = steps_value ? steps_value->if_object() : nullptr;
  if (steps_object == nullptr || steps_object->empty())
    return invalid("steps",
                   "field 'steps' must be an object of step ids to steps, with at "
                   "least one step");
  if (steps_object->size() > limits.max_steps)
    return invalid("steps", "the definition has " + std::to_string(steps_object->size()) +
                                " steps; at most " + std::to_string(limits.max_steps));
  auto steps = check_steps(*steps_object, limits);
  if (!steps) return steps.error();

  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    index.emplace((*steps)[i].id, i);
    ids.push_back((*steps)[i].id);
  }
  for (const auto& step : *steps)
    for (const auto& branch : step.next)
      if (!index.contains(branch.target))
        return invalid("steps." + step.id + ".next." + branch.name,
                       "step '" + step.id + "': branch '" + branch.name + "' points at step '" +
                           branch.target + "', which does not exist" + hint(branch.target, ids));
  const auto* start = root->if_contains("start");
  if (start == nullptr || !start->is_string())
    return invalid("start", "field 'start' is missing; name the first step");
  d.start = std::string(start->get_string());
  if (!index.contains(d.start))
    return invalid("start", "start: '" + d.start + "' is not a step" + hint(d.start, ids));

  Graph graph(*steps, index);
  if (auto problem = graph.walk(index.at(d.start))) return *problem;
  for (const auto& step : *steps)
    if (!graph.reached(index.at(step.id)))
      return invalid("steps." + step.id, "step '" + step.id + "' is not reachable from start '" +
                                             d.start + "'; point a branch at it or remove it");
  if (auto problem = check_bodies(*steps, index)) return *problem;
  if (graph.depth(index.at(d.start)) > limits.max_depth)
    return invalid("steps", "the longest path from start has " +
                                std::to_string(graph.depth(index.at(d.start))) +
                                " steps; at most " + std::to_string(limits.max_depth) +
                                ": shorten it");

  // Walk order: breadth first from start, branches in the type's order.
  std::vector<bool> placed(steps->size(), false);
  std::vector<std::size_t> order = {index.at(d.start)};
  placed[order.front()] = true;
  for (std::size_t i = 0; i < order.size(); ++i)
    for (const auto& branch : (*steps)[order[i]].next) {
      const auto to = index.at(branch.target);
      if (!placed[to]) order.push_back(to);
      placed[to] = true;
    }
  for (const auto at : order) d.steps.push_back(std::move((*steps)[at]));
  return d;
}

}  // namespace popflow::workflows
