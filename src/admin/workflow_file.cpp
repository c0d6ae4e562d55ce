#include "admin/workflow_file.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "workflows/strict_json.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

constexpr std::string_view kCode = "invalid_workflow_file";

Problem invalid(const std::string& path, const std::string& what) {
  return bad_request(std::string(kCode), "'" + path + "' " + what, path);
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

Checked<const json::object*> object_at(const json::value& value, const std::string& path) {
  if (!value.is_object()) return invalid(path, "must be an object");
  return &value.get_object();
}

Checked<void> only(const json::object& object, const std::string& path,
                   std::initializer_list<std::string_view> known) {
  for (const auto& member : object) {
    const std::string_view key(member.key().data(), member.key().size());
    if (std::find(known.begin(), known.end(), key) == known.end())
      return invalid(join_path(path, key), "is not a member of this object");
  }
  return {};
}

// A string member; `fallback` when absent or null, unless it is required (no fallback).
Checked<std::string> text(const json::object& object, std::string_view key, const std::string& path,
                          std::optional<std::string> fallback = std::nullopt) {
  const auto* value = object.if_contains(key);
  if (!value || value->is_null()) {
    if (fallback) return *fallback;
    return invalid(join_path(path, key), "is required");
  }
  if (!value->is_string()) return invalid(join_path(path, key), "must be a string");
  return std::string(value->get_string());
}

Checked<const json::array*> list(const json::object& object, std::string_view key,
                                 const std::string& path) {
  static const json::array empty;
  const auto* value = object.if_contains(key);
  if (!value || value->is_null()) return &empty;
  if (!value->is_array()) return invalid(join_path(path, key), "must be a list");
  return &value->get_array();
}

Checked<void> read_instance(const json::object& root, WorkflowFile& file) {
  const auto* value = root.if_contains("instance");
  if (!value) return invalid("instance", "is required");
  auto object = object_at(*value, "instance");
  if (!object) return object.error();
  const auto& in = **object;
  if (auto known =
          only(in, "instance", {"crmId", "name", "crmType", "urlTemplates", "supersedeBy"});
      !known)
    return known.error();
  auto crm_id = text(in, "crmId", "instance");
  if (!crm_id) return crm_id.error();
  auto name = text(in, "name", "instance", *crm_id);
  if (!name) return name.error();
  auto type_name = text(in, "crmType", "instance", "generic");
  if (!type_name) return type_name.error();
  const auto type = workflows::crm_type_from(*type_name);
  if (!type)
    return invalid("instance.crmType",
                   "must be one of oracle-b2c, salesforce, zendesk, dynamics, servicenow, generic");
  file.instance.crm_id = std::move(*crm_id);
  file.instance.name = std::move(*name);
  file.instance.crm_type = *type;
  file.instance.urls = workflows::url_presets(*type);
  if (const auto* urls = in.if_contains("urlTemplates"); urls && !urls->is_null()) {
    auto templates = object_at(*urls, "instance.urlTemplates");
    if (!templates) return templates.error();
    if (auto known = only(**templates, "instance.urlTemplates", {"record", "newRecord", "search"});
        !known)
      return known.error();
    for (auto [key, slot] : {std::pair{"record", &file.instance.urls.record},
                             std::pair{"newRecord", &file.instance.urls.new_record},
                             std::pair{"search", &file.instance.urls.search}}) {
      auto url = text(**templates, key, "instance.urlTemplates", *slot);
      if (!url) return url.error();
      *slot = std::move(*url);
    }
  }
  file.instance.supersede_by = workflows::kDefaultSupersedeBy;
  if (const auto* field = in.if_contains("supersedeBy"); field && field->is_null()) {
    file.instance.supersede_by.clear();
  } else if (field) {
    if (!field->is_string())
      return invalid("instance.supersedeBy", "must be an interaction-data field name or null");
    file.instance.supersede_by = field->get_string();
    if (auto problem = workflows::supersede_by_problem(file.instance.supersede_by))
      return invalid("instance.supersedeBy", *problem);
  }
  return {};
}

// An event's age limit: absent, the default for its name; null, never stale.
Checked<std::optional<int>> stale_after(const json::object& event, const std::string& name,
                                        const std::string& path) {
  const auto* value = event.if_contains("staleAfter");
  if (!value) return workflows::default_stale_after(name);
  if (value->is_null()) return std::optional<int>();
  const auto seconds = value->is_int64() ? value->get_int64() : 0;
  if (seconds < 1 || seconds > workflows::kMaxStaleAfterSeconds)
    return invalid(join_path(path, "staleAfter"),
                   "must be seconds from 1 to " + std::to_string(workflows::kMaxStaleAfterSeconds) +
                       ", or null for never stale");
  return std::optional<int>(static_cast<int>(seconds));
}

Checked<std::optional<std::vector<PublishTarget>>> read_publish(const json::object& object,
                                                                const std::string& path) {
  using Result = std::optional<std::vector<PublishTarget>>;
  const auto* value = object.if_contains("publish");
  const auto where = join_path(path, "publish");
  if (!value || value->is_null()) return Result{};
  if (value->is_string() && value->get_string() == "all")
    return Result(std::vector<PublishTarget>{std::nullopt});
  if (!value->is_array())
    return invalid(where,
                   "must be \"all\", a list of profile names (\"all\" for all profiles) "
                   "or null");
  std::vector<PublishTarget> targets;
  for (std::size_t i = 0; i < value->get_array().size(); ++i) {
    const auto& item = value->get_array()[i];
    if (!item.is_string()) return invalid(item_path(where, i), "must be a profile name");
    const std::string name(item.get_string());
    PublishTarget target = name == "all" ? std::nullopt : PublishTarget(name);
    if (std::ranges::find(targets, target) != targets.end())
      return invalid(item_path(where, i), "repeats '" + name + "'");
    targets.push_back(std::move(target));
  }
  return Result(std::move(targets));
}

Checked<void> read_lists(const json::object& root, WorkflowFile& file) {
  auto profiles = list(root, "profiles", "");
  if (!profiles) return profiles.error();
  for (std::size_t i = 0; i < (*profiles)->size(); ++i) {
    const auto& item = (**profiles)[i];
    if (!item.is_string()) return invalid(item_path("profiles", i), "must be a profile name");
    file.profiles.emplace_back(item.get_string());
  }
  auto agents = list(root, "agents", "");
  if (!agents) return agents.error();
  for (std::size_t i = 0; i < (*agents)->size(); ++i) {
    const auto path = item_path("agents", i);
    auto object = object_at((**agents)[i], path);
    if (!object) return object.error();
    if (auto known = only(**object, path, {"agentId", "profile"}); !known) return known.error();
    auto agent_id = text(**object, "agentId", path);
    if (!agent_id) return agent_id.error();
    auto profile = text(**object, "profile", path);
    if (!profile) return profile.error();
    file.agents.push_back({"", "", std::move(*agent_id), std::move(*profile)});
  }
  auto events = list(root, "events", "");
  if (!events) return events.error();
  for (std::size_t i = 0; i < (*events)->size(); ++i) {
    const auto path = item_path("events", i);
    auto object = object_at((**events)[i], path);
    if (!object) return object.error();
    if (auto known = only(**object, path, {"name", "description", "staleAfter"}); !known)
      return known.error();
    auto name = text(**object, "name", path);
    if (!name) return name.error();
    auto description = text(**object, "description", path, "");
    if (!description) return description.error();
    auto limit = stale_after(**object, *name, path);
    if (!limit) return limit.error();
    file.events.push_back({"", "", std::move(*name), std::move(*description), false, *limit});
  }
  return {};
}

Checked<void> read_workflows(const json::object& root, WorkflowFile& file) {
  auto workflows = list(root, "workflows", "");
  if (!workflows) return workflows.error();
  for (std::size_t i = 0; i < (*workflows)->size(); ++i) {
    const auto path = item_path("workflows", i);
    auto object = object_at((**workflows)[i], path);
    if (!object) return object.error();
    const auto& in = **object;
    if (auto known = only(in, path, {"name", "event", "description", "definition", "publish"});
        !known)
      return known.error();
    FileWorkflow workflow;
    auto name = text(in, "name", path);
    if (!name) return name.error();
    auto event = text(in, "event", path);
    if (!event) return event.error();
    auto description = text(in, "description", path, "");
    if (!description) return description.error();
    const auto* definition = in.if_contains("definition");
    if (!definition || definition->is_null())
      return invalid(join_path(path, "definition"), "is required");
    auto publish = read_publish(in, path);
    if (!publish) return publish.error();
    for (const auto& other : file.workflows)
      if (other.name == *name)
        return invalid(join_path(path, "name"), "repeats workflow '" + *name + "'");
    file.workflows.push_back({std::move(*name), std::move(*event), std::move(*description),
                              json::serialize(*definition), std::move(*publish)});
  }
  return {};
}

}  // namespace

std::string target_label(const PublishTarget& target) {
  return target ? *target : "all";
}

Checked<WorkflowFile> parse_workflow_file(std::string_view text_in) {
  auto parsed = workflows::parse_strict_json(text_in, kCode);
  if (!parsed) return parsed.error();
  auto root = object_at(*parsed, "(file)");
  if (!root) return root.error();
  if (auto known =
          only(**root, "",
               {"popflowWorkflows", "instance", "profiles", "agents", "events", "workflows"});
      !known)
    return known.error();
  const auto* format = (*root)->if_contains("popflowWorkflows");
  if (!format || !format->is_int64() || format->get_int64() != kWorkflowFileFormat)
    return invalid("popflowWorkflows", "must be 1: this is not a workflow file of this version");
  WorkflowFile file;
  if (auto ok = read_instance(**root, file); !ok) return ok.error();
  if (auto ok = read_lists(**root, file); !ok) return ok.error();
  if (auto ok = read_workflows(**root, file); !ok) return ok.error();
  return file;
}

}  // namespace popflow::admin
