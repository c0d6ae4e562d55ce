#pragma once
// The fields of a trigger as the caller sent them: members of a JSON object, pairs of a
// form body or of a query string. Names are case-insensitive (the seed's own examples
// mix "agentid" and "agentId"), so the same name twice in different case is refused
// rather than one silently winning. Values keep their JSON type.
//
// Values live in the set's JSON storage, which a trigger's data shares (see make_trigger):
// the Connect API gives every trigger a stack arena, so parsing and handing values on
// costs no allocation and no copy.
//
// No I/O here: bytes in, fields or a Problem out. Runs on the request's event loop.
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/problem.hpp"

namespace popflow::http {

struct FieldLimits {
  std::size_t max_fields = 64;
  std::size_t max_depth = 8;
  std::size_t max_value_bytes = 8 * 1024;
};

struct Field {
  std::string name;  // as sent
  boost::json::value value;
  bool taken = false;  // handed out by FieldSet::take()
};

class FieldSet {
 public:
  explicit FieldSet(boost::json::storage_ptr storage = {}) : storage_(std::move(storage)) {}

  // Refuses a name already present in any case (400 duplicate_field) and more than
  // `limits.max_fields` fields (413).
  Checked<void> add(std::string name, boost::json::value value, const FieldLimits& limits);
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

// A JSON object; trailing commas allowed (the seed's examples have one).
Checked<void> add_json_fields(std::string_view body, const FieldLimits& limits, FieldSet& out);
// application/x-www-form-urlencoded or a query string; '+' decodes to a space.
Checked<void> add_form_fields(std::string_view text, const FieldLimits& limits, FieldSet& out);

}  // namespace popflow::http
