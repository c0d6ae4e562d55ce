#pragma once
// The interaction-workflow model of one customer (CONTRACT "Interaction workflows"), as plain
// records: what the store keeps, what the admin API reads and writes, and what the resolution
// snapshot is built from. No I/O and no validation here: definitions are validated by
// definition.hpp, names by the admin service, before anything is stored.
//
//   customer ─ instance (CRM ID, crmType, URL templates)
//              ├─ profiles, agents (agentId → profile), events (built-in and custom)
//              └─ workflows (one event; a draft and numbered versions)
//                   └─ publications: (event, profile | all) → (workflow, version)
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popflow::workflows {

enum class CrmType { oracle_b2c, salesforce, zendesk, dynamics, servicenow, generic };

std::string_view to_string(CrmType type);  // "oracle-b2c", "salesforce", …
std::optional<CrmType> crm_type_from(std::string_view text);

// Templates over the trigger (definition.hpp's syntax) that open_record, new_record and
// open_search steps go through. Each CRM type has presets (url_presets()); an instance may
// override them.
struct UrlTemplates {
  std::string record;      // e.g. https://{trigger.crmId}/…/{vars.recordType}/{vars.recordId}
  std::string new_record;  // a blank record of a type
  std::string search;      // a search for a term
};

UrlTemplates url_presets(CrmType type);

// Every instance starts with these events; their names are exact (case and spaces).
inline constexpr std::array<std::string_view, 8> kBuiltInEvents = {
    "On Ring",   "On Answer",   "On Hold",     "On End",
    "Chat Ring", "Chat Accept", "Chat Reject", "On Chat End"};

// The pop rules an agent's client applies before running a trigger (docs/agent.md "The
// rules"): an event's age limit is on the Event; which interaction-data field ties triggers of
// one call together is on the Instance. These are the defaults a new instance starts with.
inline constexpr std::string_view kDefaultSupersedeBy = "callId";
// A ringing call or chat older than this is over: On Ring and Chat Ring start with it.
inline constexpr int kRingingStaleAfterSeconds = 30;
std::optional<int> default_stale_after(std::string_view event);  // of a built-in event
// Why `field` cannot be a supersedeBy field (a top-level key of interaction data), or nullopt.
std::optional<std::string> supersede_by_problem(std::string_view field);
// The age limits an admin may set, in seconds.
inline constexpr int kMaxStaleAfterSeconds = 24 * 3600;

struct Instance {
  std::string customer_id;
  std::string crm_id;  // the CRM instance's host, as triggers send it in crmId
  std::string name;
  CrmType crm_type = CrmType::generic;
  UrlTemplates urls;
  // The interaction-data field whose value ties triggers of one interaction together: a newer
  // trigger with the same value closes the older one's pop. Empty: no superseding.
  std::string supersede_by{kDefaultSupersedeBy};
  std::int64_t created_at = 0;  // Unix seconds
  std::int64_t revision = 1;    // +1 on every change: the ETag editors send back
};

struct Profile {
  std::string customer_id;
  std::string crm_id;
  std::string name;
};

// The optional agent directory: which profile an agent works under in an instance. An
// unlisted agent counts as "all profiles".
struct AgentEntry {
  std::string customer_id;
  std::string crm_id;
  std::string agent_id;
  std::string profile;
};

struct Event {
  std::string customer_id;
  std::string crm_id;
  std::string name;
  std::string description;
  bool built_in = false;
  // A trigger of this event older than this (seconds, by the server's clock) is dropped as
  // stale instead of popping. nullopt: never stale (the trigger's own expiry still applies).
  std::optional<int> stale_after;
};

// One of kBuiltInEvents as a new instance gets it.
Event built_in_event(std::string customer_id, std::string crm_id, std::string_view name);

struct Workflow {
  std::string id;  // "wf_" and 20 hex digits
  std::string customer_id;
  std::string crm_id;
  std::string name;
  std::string event;
  std::string description;
  std::string draft;  // the editable definition, JSON text (definition.hpp)
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t revision = 1;  // +1 on every change of the draft or its fields: the ETag
};

// A frozen copy of a draft. Never changed once written.
struct WorkflowVersion {
  std::string workflow_id;
  int number = 0;  // 1, 2, …
  std::string definition;
  std::int64_t created_at = 0;
  std::string created_by;  // the actor (audit.hpp)
};

// What runs for an event in an instance: for one profile, or for every profile without one
// of its own (profile empty).
struct Publication {
  std::string customer_id;
  std::string crm_id;
  std::string event;
  std::optional<std::string> profile;  // nullopt: all profiles
  std::string workflow_id;
  int version = 0;
  std::int64_t published_at = 0;
  std::string published_by;
};

}  // namespace popflow::workflows
