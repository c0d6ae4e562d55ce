#pragma once
// Internal to the workflows module: the checks of step fields that are more than one value
// (arrays of fields, buttons, conditions, an http request), for step_rules.cpp.
#include <string>
#include <vector>

#include "workflows/step_reader.hpp"

namespace popflow::workflows::detail {

// [{label, value}]: show's fields, choose's columns.
Fault check_label_values(const StepReader& r, const std::string& path, Need need,
                         const Roots& value_roots);
Fault check_form_fields(const StepReader& r);
// [{id, label}], at least one, ids unique; the ids become `branches`.
Fault check_buttons(const StepReader& r, std::vector<std::string>& branches);
Fault check_choose(const StepReader& r, std::vector<std::string>& branches);
Fault check_http(const StepReader& r);
Fault check_conditions(const StepReader& r);  // if's all / any
Fault check_cases(const StepReader& r, std::vector<std::string>& branches);
Fault check_as(const StepReader& r);  // for_each's and choose's item name
Fault check_vars(const StepReader& r);

}  // namespace popflow::workflows::detail
