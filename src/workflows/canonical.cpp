// canonical_json(): the export form (definition.hpp). A small pretty-printer: Boost.JSON
// writes every scalar and string; this only decides key order, indentation and line breaks.
#include <boost/json/serialize.hpp>

#include "workflows/definition.hpp"
#include "workflows/step_rules.hpp"

namespace popflow::workflows {
namespace {

namespace json = boost::json;

void indent(std::string& out, int level) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(level) * 2, ' ');
}

void write(std::string& out, const json::value& v, int level);

void write_key(std::string& out, std::string_view key, int level, bool& first) {
  if (!first) out.push_back(',');
  first = false;
  indent(out, level);
  out += json::serialize(json::string_view(key.data(), key.size()));
  out += ": ";
}

void write(std::string& out, const json::value& v, int level) {
  if (const auto* object = v.if_object()) {
    if (object->empty()) {
      out += "{}";
      return;
    }
    out.push_back('{');
    bool first = true;
    for (const auto& member : *object) {
      write_key(out, {member.key().data(), member.key().size()}, level + 1, first);
      write(out, member.value(), level + 1);
    }
    indent(out, level);
    out.push_back('}');
  } else if (const auto* array = v.if_array()) {
    if (array->empty()) {
      out += "[]";
      return;
    }
    out.push_back('[');
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (i > 0) out.push_back(',');
      indent(out, level + 1);
      write(out, (*array)[i], level + 1);
    }
    indent(out, level);
    out.push_back(']');
  } else {
    out += json::serialize(v);
  }
}

void write_step(std::string& out, const Step& step, const json::object& source, int level) {
  out.push_back('{');
  bool first = true;
  for (const auto name : detail::step_fields(step.type)) {
    if (name == "next") {
      if (step.next.empty()) continue;
      write_key(out, "next", level + 1, first);
      out.push_back('{');
      bool first_branch = true;
      for (const auto& branch : step.next) {
        write_key(out, branch.name, level + 2, first_branch);
        out += json::serialize(json::string_view(branch.target));
      }
      indent(out, level + 1);
      out.push_back('}');
      continue;
    }
    const auto* value = source.if_contains(name);
    if (value == nullptr) continue;
    write_key(out, name, level + 1, first);
    write(out, *value, level + 1);
  }
  indent(out, level);
  out.push_back('}');
}

}  // namespace

std::string canonical_json(const Definition& definition) {
  const auto& steps = definition.json.as_object().at("steps").as_object();
  std::string out = "{\n  \"schema\": 1,\n  \"start\": ";
  out += json::serialize(json::string_view(definition.start));
  out += ",\n  \"steps\": {";
  bool first = true;
  for (const auto& step : definition.steps) {
    write_key(out, step.id, 2, first);
    write_step(out, step, steps.at(step.id).as_object(), 2);
  }
  out += "\n  }\n}\n";
  return out;
}

}  // namespace popflow::workflows
