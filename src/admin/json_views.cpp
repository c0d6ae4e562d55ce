#include "admin/json_views.hpp"

#include <boost/json/parse.hpp>

#include "core/time.hpp"

namespace popflow::admin {
namespace json = boost::json;

std::string iso_seconds(std::int64_t unix_seconds) {
  return format_iso8601_ms(SystemTime(std::chrono::seconds(unix_seconds)));
}

std::string iso_ms(std::int64_t unix_ms) {
  return format_iso8601_ms(SystemTime(std::chrono::milliseconds(unix_ms)));
}

namespace {

json::array strings(const std::vector<std::string>& list) {
  json::array array;
  for (const auto& item : list) array.emplace_back(item);
  return array;
}

}  // namespace

json::value definition_value(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value() : value;
}

json::object to_json(const workflows::Instance& i) {
  return {
      {"crmId", i.crm_id},
      {"name", i.name},
      {"crmType", to_string(i.crm_type)},
      {"urlTemplates",
       {{"record", i.urls.record}, {"newRecord", i.urls.new_record}, {"search", i.urls.search}}},
      {"supersedeBy", i.supersede_by.empty() ? json::value() : json::value(i.supersede_by)},
      {"createdAt", iso_seconds(i.created_at)},
      {"revision", i.revision}};
}

json::object to_json(const workflows::Profile& p) {
  return {{"name", p.name}};
}

json::object to_json(const workflows::AgentEntry& a) {
  return {{"agentId", a.agent_id}, {"profile", a.profile}};
}

json::object to_json(const workflows::Event& e) {
  return {{"name", e.name},
          {"description", e.description},
          {"builtIn", e.built_in},
          {"staleAfter", e.stale_after ? json::value(*e.stale_after) : json::value()}};
}

json::object to_json(const workflows::Workflow& w, bool with_draft) {
  json::object out{{"id", w.id},
                   {"crmId", w.crm_id},
                   {"name", w.name},
                   {"event", w.event},
                   {"description", w.description},
                   {"createdAt", iso_seconds(w.created_at)},
                   {"updatedAt", iso_seconds(w.updated_at)},
                   {"revision", w.revision}};
  if (with_draft) out["draft"] = definition_value(w.draft);
  return out;
}

json::object to_json(const workflows::WorkflowVersion& v) {
  return {{"version", v.number},
          {"definition", definition_value(v.definition)},
          {"createdAt", iso_seconds(v.created_at)},
          {"createdBy", v.created_by}};
}

json::object to_json(const workflows::Publication& p) {
  return {{"crmId", p.crm_id},
          {"event", p.event},
          {"profile", p.profile ? json::value(*p.profile) : json::value("all")},
          {"workflowId", p.workflow_id},
          {"version", p.version},
          {"publishedAt", iso_seconds(p.published_at)},
          {"publishedBy", p.published_by}};
}

json::object to_json(const store::KeyRecord& k) {
  json::object out{
      {"id", k.id},
      {"kind", to_string(k.kind)},
      {"label", k.label},
      {"scope", strings(k.scope)},
      {"crmIds", strings(k.crm_ids)},
      {"createdAt", iso_seconds(k.created_at)},
      {"expiresAt", k.expires_at ? json::value(iso_seconds(*k.expires_at)) : nullptr},
      {"revokedAt", k.revoked_at ? json::value(iso_seconds(*k.revoked_at)) : nullptr},
      {"lastUsedAt", k.last_used_at ? json::value(iso_seconds(*k.last_used_at)) : nullptr}};
  if (k.agent_id) out["agentId"] = *k.agent_id;
  return out;
}

json::object to_json(const store::AuditEntry& e) {
  return {{"id", e.id},
          {"at", iso_ms(e.at)},
          {"actor", e.actor},
          {"action", e.action},
          {"target", e.target},
          {"before", e.before.empty() ? json::value() : definition_value(e.before)},
          {"after", e.after.empty() ? json::value() : definition_value(e.after)}};
}

}  // namespace popflow::admin
