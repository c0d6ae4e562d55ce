#include "workflows/catalog.hpp"

namespace popflow::workflows {
namespace {

constexpr std::pair<CrmType, std::string_view> kNames[] = {
    {CrmType::oracle_b2c, "oracle-b2c"}, {CrmType::salesforce, "salesforce"},
    {CrmType::zendesk, "zendesk"},       {CrmType::dynamics, "dynamics"},
    {CrmType::servicenow, "servicenow"}, {CrmType::generic, "generic"}};

}  // namespace

std::string_view to_string(CrmType type) {
  for (const auto& [value, name] : kNames)
    if (value == type) return name;
  return "generic";
}

std::optional<CrmType> crm_type_from(std::string_view text) {
  for (const auto& [value, name] : kNames)
    if (name == text) return value;
  return std::nullopt;
}

// Templates in definition syntax with two roots of their own: `record.type`/`record.id`
// (open_record, new_record) and `search.term` (open_search), beside `trigger.`. The paths
// are each CRM's documented deep links for its agent UI.
UrlTemplates url_presets(CrmType type) {
  switch (type) {
    case CrmType::oracle_b2c:
      return {"https://{trigger.crmId}/AgentWeb/Bookmark/{record.type}/{record.id}",
              "https://{trigger.crmId}/AgentWeb/Bookmark/{record.type}/new",
              "https://{trigger.crmId}/AgentWeb/Search?term={search.term|urlencode}"};
    case CrmType::salesforce:
      return {"https://{trigger.crmId}/lightning/r/{record.type}/{record.id}/view",
              "https://{trigger.crmId}/lightning/o/{record.type}/new",
              "https://{trigger.crmId}/_ui/search/ui/UnifiedSearchResults?str="
              "{search.term|urlencode}"};
    case CrmType::zendesk:
      return {"https://{trigger.crmId}/agent/{record.type}s/{record.id}",
              "https://{trigger.crmId}/agent/{record.type}s/new",
              "https://{trigger.crmId}/agent/search/1?q={search.term|urlencode}"};
    case CrmType::dynamics:
      return {
          "https://{trigger.crmId}/main.aspx?pagetype=entityrecord&etn={record.type}&id="
          "{record.id}",
          "https://{trigger.crmId}/main.aspx?pagetype=entityrecord&etn={record.type}",
          "https://{trigger.crmId}/main.aspx?pagetype=search&searchText="
          "{search.term|urlencode}"};
    case CrmType::servicenow:
      return {"https://{trigger.crmId}/nav_to.do?uri={record.type}.do%3Fsys_id%3D{record.id}",
              "https://{trigger.crmId}/nav_to.do?uri={record.type}.do%3Fsys_id%3D-1",
              "https://{trigger.crmId}/text_search_exact_match.do?sysparm_search="
              "{search.term|urlencode}"};
    case CrmType::generic:
      break;
  }
  return {"https://{trigger.crmId}/{record.type}/{record.id}",
          "https://{trigger.crmId}/{record.type}/new",
          "https://{trigger.crmId}/search?q={search.term|urlencode}"};
}

std::optional<int> default_stale_after(std::string_view event) {
  if (event == "On Ring" || event == "Chat Ring") return kRingingStaleAfterSeconds;
  return std::nullopt;
}

Event built_in_event(std::string customer_id, std::string crm_id, std::string_view name) {
  return {std::move(customer_id),   std::move(crm_id), std::string(name), "", true,
          default_stale_after(name)};
}

std::optional<std::string> supersede_by_problem(std::string_view field) {
  constexpr std::size_t kMaxLength = 64;
  if (field.empty() || field.size() > kMaxLength)
    return "must be 1 to " + std::to_string(kMaxLength) + " characters";
  for (const char c : field) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
    if (!word)
      return "must be a field name of the interaction data (letters, digits, '_', '-', '.')";
  }
  return std::nullopt;
}

}  // namespace popflow::workflows
