#pragma once
// The fields of a trigger as the caller sent them: members of a JSON object, pairs of a
// form body or of a query string (http/fields.hpp reads them off the wire). Names are
// case-insensitive (the seed's own examples mix "agentid" and "agentId"), so the same name
// twice in different case is refused rather than one silently winning; so is the same name
// twice exactly or through an escape ("agentId" and "\u0061gentId"), which every JSON parser
// reads differently (first wins, last wins, error), so a gateway would see another agent or
// key than the one routed. Values keep their JSON type, and numbers and nested data also
// their text as sent (see Field::literal): 1e999 and 18446744073709551617 are passed on as
// those characters, never as Infinity or a rounded double.
//
// Values live in the set's JSON storage, which a trigger's data shares (see make_trigger):
// the Connect API gives every trigger a stack arena, so parsing and handing values on
// costs no allocation and no copy.
//
// No I/O here. Runs on the request's event loop.
#include <boost/json/storage_ptr.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/problem.hpp"

namespace popflow::triggers {

struct FieldLimits {
  std::size_t max_fields = 64;
  std::size_t max_depth = 8;
  std::size_t max_value_bytes = 8 * 1024;
};

struct Field {
  std::string name;  // as sent, JSON escapes decoded
  // Scalars as parsed. A number's value is only for reading it (1e999 is an infinite double);
  // a nested object or array is an empty one of its kind: its content is in `literal` only.
  boost::json::value value;
  // The value's JSON text to pass on instead of serializing `value`: a number's characters as
  // sent, or a nested object or array written compactly with its numbers as sent (strings
  // re-escaped, trailing commas dropped), so it is always valid JSON. Empty for strings,
  // booleans, null and form values. In the set's storage.
  boost::json::string literal;
  bool taken = false;  // handed out by FieldSet::take()
};

class FieldSet {
 public:
  explicit FieldSet(boost::json::storage_ptr storage = {}) : storage_(std::move(storage)) {}

  // Refuses a name already present in any case (400 duplicate_field) and more than
  // `limits.max_fields` fields (413).
  Checked<void> add(std::string name, boost::json::value value, const FieldLimits& limits,
                    boost::json::string literal = {});
  // Case-insensitive lookup; nullptr when absent.
  const Field* find(std::string_view name) const;
  // Removes and returns the field's value (null when absent). The field is only marked:
  // erasing it would move every field after it, per take (~1k instructions a trigger).
  boost::json::value take(std::string_view name);

  const boost::json::storage_ptr& storage() const { return storage_; }
  void reserve(std::size_t count) { fields_.reserve(count); }
  // Every field added, taken ones included.
  const std::vector<Field>& fields() const { return fields_; }
  // Hands every field over, in the order sent (taken ones still marked), leaving the set
  // empty.
  std::vector<Field> take_all() { return std::exchange(fields_, {}); }

 private:
  boost::json::storage_ptr storage_;
  std::vector<Field> fields_;  // a handful of fields: a linear scan beats hashing
};

}  // namespace popflow::triggers
