#pragma once
// A trigger's fields read off the wire, into a triggers::FieldSet (triggers/field_set.hpp
// holds the rules for names, duplicates and limits): a JSON body, or the pairs of a form body
// or of a query string.
//
// No I/O here: bytes in, fields or a Problem out. Runs on the request's event loop.
#include <string_view>

#include "core/problem.hpp"
#include "triggers/field_set.hpp"

namespace popflow::http {

// The container and its limits are the trigger's (triggers/); reading them off the wire is ours.
using triggers::FieldLimits;
using triggers::FieldSet;

// A JSON object; trailing commas allowed (the seed's examples have one). A key twice in one
// object nested in the data (after decoding escapes; case counts there, as in JSON) is
// refused too (400 duplicate_field naming the top-level field): the data goes on to the
// agent's client and to whatever it calls, which may read either value.
// Cost: one pass of Boost.JSON's basic_parser with our own handler, no value tree; a number
// adds its literal (inline up to 14 characters: no allocation), a nested value its text.
Checked<void> add_json_fields(std::string_view body, const FieldLimits& limits, FieldSet& out);
// application/x-www-form-urlencoded or a query string; '+' decodes to a space.
Checked<void> add_form_fields(std::string_view text, const FieldLimits& limits, FieldSet& out);

}  // namespace popflow::http
