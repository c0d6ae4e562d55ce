#pragma once
// Internal to the workflows module: the fields each step type has, checked one step at a
// time (definition.cpp checks the graph they form). One table of field names per type
// (step_rules.cpp), read by the validator, the unknown-field check and canonical_json().
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/definition.hpp"

namespace popflow::workflows::detail {

// The fields a step of this type may have, in canonical order: "type", "label", the type's
// own fields, "next".
const std::vector<std::string_view>& step_fields(StepType type);

// One step's fields (not where its branches point): Step with id, type, label, branches and
// next filled in. Problems name "steps.<id>.<field>".
Checked<Step> check_step(const std::string& id, const boost::json::value& step,
                         const DefinitionLimits& limits);

Problem invalid(std::string field, std::string message);  // "invalid_definition"

}  // namespace popflow::workflows::detail
