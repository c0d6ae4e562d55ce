// write_workflow_file(): the file as git keeps it. The layout is workflows::canonical_json's
// (two-space indentation, one member per line), so a definition parsed from its canonical
// text and printed here keeps that text, only indented deeper, and diffs stay readable.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "admin/workflow_file.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

void indent(std::string& out, int level) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(level) * 2, ' ');
}

// Members in insertion order (Boost.JSON keeps it); scalars as Boost.JSON serializes them.
void print(std::string& out, const json::value& value, int level) {
  if (const auto* object = value.if_object()) {
    if (object->empty()) {
      out += "{}";
      return;
    }
    out.push_back('{');
    bool first = true;
    for (const auto& member : *object) {
      if (!first) out.push_back(',');
      first = false;
      indent(out, level + 1);
      out += json::serialize(member.key());
      out += ": ";
      print(out, member.value(), level + 1);
    }
    indent(out, level);
    out.push_back('}');
  } else if (const auto* array = value.if_array()) {
    if (array->empty()) {
      out += "[]";
      return;
    }
    out.push_back('[');
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (i > 0) out.push_back(',');
      indent(out, level + 1);
      print(out, (*array)[i], level + 1);
    }
    indent(out, level);
    out.push_back(']');
  } else {
    out += json::serialize(value);
  }
}

json::value definition_of(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value() : value;
}

// "all" alone as the string; otherwise a list, all profiles first, then names in byte order.
json::value publish_of(const std::optional<std::vector<PublishTarget>>& publish) {
  if (!publish) return nullptr;
  auto targets = *publish;
  std::ranges::sort(targets);  // nullopt (all) sorts first
  if (targets.size() == 1 && !targets.front()) return "all";
  json::array list;
  for (const auto& target : targets) list.emplace_back(target_label(target));
  return list;
}

}  // namespace

std::string write_workflow_file(const WorkflowFile& file) {
  const auto& instance = file.instance;
  json::object root;
  root["popflowWorkflows"] = kWorkflowFileFormat;
  root["instance"] = {
      {"crmId", instance.crm_id},
      {"name", instance.name},
      {"crmType", to_string(instance.crm_type)},
      {"urlTemplates",
       {{"record", instance.urls.record},
        {"newRecord", instance.urls.new_record},
        {"search", instance.urls.search}}},
      {"supersedeBy",
       instance.supersede_by.empty() ? json::value() : json::value(instance.supersede_by)}};

  auto profiles = file.profiles;
  std::ranges::sort(profiles);
  root["profiles"] = json::array(profiles.begin(), profiles.end());

  auto agents = file.agents;
  std::ranges::sort(agents, {}, &workflows::AgentEntry::agent_id);
  json::array agent_list;
  for (const auto& agent : agents)
    agent_list.push_back({{"agentId", agent.agent_id}, {"profile", agent.profile}});
  root["agents"] = std::move(agent_list);

  auto events = file.events;
  std::ranges::sort(events, {}, &workflows::Event::name);
  json::array event_list;
  for (const auto& event : events)
    event_list.push_back(
        {{"name", event.name},
         {"description", event.description},
         {"staleAfter", event.stale_after ? json::value(*event.stale_after) : json::value()}});
  root["events"] = std::move(event_list);

  auto workflows = file.workflows;
  std::ranges::sort(workflows, {}, &FileWorkflow::name);
  json::array workflow_list;
  for (const auto& workflow : workflows)
    workflow_list.push_back({{"name", workflow.name},
                             {"event", workflow.event},
                             {"description", workflow.description},
                             {"definition", definition_of(workflow.definition)},
                             {"publish", publish_of(workflow.publish)}});
  root["workflows"] = std::move(workflow_list);

  std::string out;
  print(out, root, 0);
  out.push_back('\n');
  return out;
}

}  // namespace popflow::admin
