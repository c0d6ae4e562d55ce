#pragma once
// Workflow definitions (CONTRACT "Interaction workflows"; docs/workflows.md is the reference
// for every field): the JSON a designer saves, validated in full before it is stored, so the
// agent's client only ever runs a definition that parses, whose templates parse and whose
// steps form a graph without cycles that ends.
//
//   {"schema": 1, "start": "pop",
//    "steps": {"pop": {"type": "show", "title": "Call from {interaction.ani}", "fields": [],
//                      "next": {"done": "log"}},
//              "log": {"type": "log", "message": "shown"}}}
//
// No I/O; the admin service, CLI import and the fuzzer call it. Cost: one parse and a walk,
// linear in the text (templates are parsed, never rendered).
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"

namespace popflow::workflows {

enum class StepType {
  show,
  form,
  choose,
  notify,
  open_url,
  open_record,
  new_record,
  open_search,
  http,
  if_,
  switch_,
  for_each,
  set,
  log,
  stop
};

std::string_view to_string(StepType type);  // as in the JSON: "show", "if", "for_each", …
std::optional<StepType> step_type_from(std::string_view text);

// Callers wire these to settings (config.hpp); the defaults are the documented ones.
struct DefinitionLimits {
  std::size_t max_bytes = 64 * 1024;
  std::size_t max_steps = 200;
  std::size_t max_depth = 50;  // steps on the longest path from start
  std::size_t max_template_bytes = 4 * 1024;
  int max_http_timeout_ms = 30000;
  int max_for_each_items = 1000;
};

struct Branch {
  std::string name;    // "done", "then", a button id, a switch case, …
  std::string target;  // a step id
};

struct Step {
  std::string id;
  StepType type = StepType::show;
  std::string label;                  // for the designer; may be empty
  std::vector<std::string> branches;  // the names this step may use, in the type's order
  std::vector<Branch> next;           // the ones it uses, in that order

  const std::string* target(std::string_view branch) const;  // nullptr: the run ends there
};

struct Definition {
  std::string start;
  std::vector<Step> steps;  // in walk order from start: breadth first, branches in order
  boost::json::value json;  // the definition as validated (author's key order)

  const Step* step(std::string_view id) const;
};

// Problem 400 "invalid_definition": `field` is the JSON path at fault
// ("steps.pop.fields[0].value", "start"), the message names the step and field and says how
// to fix it. Malformed JSON, duplicate keys, unknown fields, bad templates, branches to
// missing steps, cycles and unreachable steps are all refused.
Checked<Definition> validate_definition(std::string_view json_text,
                                        const DefinitionLimits& limits = {});

// The export form: two-space indented JSON, one member per line, for readable git diffs.
// Keys in a fixed order: schema, start, steps; the steps in Definition::steps' walk order;
// in a step type, label, its fields in the documented order, next (branches in the type's
// order). Objects inside fields (headers, vars, an http body) keep the author's order.
// validate_definition(canonical_json(d)) gives the same Definition.
std::string canonical_json(const Definition& definition);

}  // namespace popflow::workflows
