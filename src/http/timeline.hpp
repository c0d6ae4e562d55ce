#pragma once
// A trigger's story as JSON (CONTRACT "Delivery truth"), for GET /api/triggers/{id} and the
// admin API's trigger search: what was received, what its event resolved to, each session
// it was delivered or queued to, and the runs agents' clients reported, in time order.
#include <boost/json/object.hpp>

#include "history/trigger_history.hpp"

namespace popflow::http {

// The whole timeline, the message and every run included.
boost::json::object timeline_json(const history::TriggerRecord& record);
// One line of a search result: no message, no run bodies.
boost::json::object summary_json(const history::TriggerRecord& record);
// A run as the answer to Popflow-Wait carries it.
boost::json::value run_json(const history::Run& run);

}  // namespace popflow::http
