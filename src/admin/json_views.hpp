#pragma once
// The admin API's JSON for each record: camelCase, times as ISO 8601 (CONTRACT "Admin API").
#include <boost/json/value.hpp>

#include "store/key_store.hpp"
#include "store/repositories.hpp"
#include "workflows/catalog.hpp"

namespace popflow::admin {

boost::json::object to_json(const workflows::Instance& instance);
boost::json::object to_json(const workflows::Profile& profile);
boost::json::object to_json(const workflows::AgentEntry& agent);
boost::json::object to_json(const workflows::Event& event);
// Without its draft's definition unless `with_draft`.
boost::json::object to_json(const workflows::Workflow& workflow, bool with_draft);
boost::json::object to_json(const workflows::WorkflowVersion& version);
boost::json::object to_json(const workflows::Publication& publication);
boost::json::object to_json(const store::KeyRecord& key);
boost::json::object to_json(const store::AuditEntry& entry);

// A stored definition (JSON text) as a value; an unreadable one as null.
boost::json::value definition_value(const std::string& text);
std::string iso_seconds(std::int64_t unix_seconds);
std::string iso_ms(std::int64_t unix_ms);

}  // namespace popflow::admin
