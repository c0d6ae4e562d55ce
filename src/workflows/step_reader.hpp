#pragma once
// Internal to the workflows module: reads one step's JSON for step_rules.cpp, each helper
// checking one field and saying what is wrong in the definition's words: "step 'pop': field
// 'fields[0].value' ...", with the field's JSON path "steps.pop.fields[0].value".
// A helper returns a Fault (nullopt: fine) so checks read as a list.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/definition.hpp"
#include "workflows/template.hpp"

namespace popflow::workflows::detail {

using Fault = std::optional<Problem>;

enum class Need { required, optional };

class StepReader {
 public:
  StepReader(const std::string& id, const boost::json::object& step, StepType type,
             const DefinitionLimits& limits)
      : id_(id), step_(step), type_(type), limits_(limits) {}

  const DefinitionLimits& limits() const { return limits_; }
  std::string_view type_name() const { return to_string(type_); }
  // "a show step", "an open_url step".
  std::string a_step() const { return a_step_of(type_); }
  static std::string a_step_of(StepType type);
  // The member, or nullptr when absent.
  const boost::json::value* get(std::string_view name) const;

  // `path` is relative to the step: "title", "fields[0].value".
  Problem fail(const std::string& path, const std::string& message) const;

  Fault missing(const std::string& path, Need need, const boost::json::value* v) const;
  Fault templ(const boost::json::value* v, const std::string& path, Need need,
              const Roots& roots = definition_roots()) const;
  // One placeholder and nothing else, no filters: the runtime takes the value itself (an
  // array for choose's rows and for_each's items), not its text.
  Fault value_ref(const boost::json::value* v, const std::string& path, Need need) const;
  Fault url(const boost::json::value* v, const std::string& path, Need need) const;
  Fault text(const boost::json::value* v, const std::string& path, Need need) const;
  Fault boolean(const boost::json::value* v, const std::string& path) const;
  Fault choice(const boost::json::value* v, const std::string& path, Need need,
               const std::vector<std::string>& choices) const;
  Fault identifier(const boost::json::value* v, const std::string& path, Need need) const;
  Fault integer(const boost::json::value* v, const std::string& path, long long min,
                long long max) const;
  // An object whose members are all among `allowed` (`what` names it: "a show field").
  Fault only(const boost::json::value& v, const std::string& path,
             const std::vector<std::string_view>& allowed, std::string_view what) const;
  // A non-empty array of objects, at most `max` long.
  Fault array_of_objects(const boost::json::value* v, const std::string& path, Need need,
                         std::size_t max) const;

 private:
  const std::string& id_;
  const boost::json::object& step_;
  StepType type_;
  const DefinitionLimits& limits_;
};

// [A-Za-z_][A-Za-z0-9_]*, at most 64: names under vars. and form field names.
bool is_identifier(std::string_view text);
// [A-Za-z0-9_-], 1 to 64: step ids and button ids (they appear in JSON paths and branches).
bool is_id(std::string_view text);

std::string quoted_list(const std::vector<std::string_view>& names);

}  // namespace popflow::workflows::detail
