#pragma once
// A trigger's story as JSON (CONTRACT "Delivery truth"), for GET /api/triggers/{id} and the
// admin API's trigger search: what was received, what its event resolved to, each session
// it was delivered or queued to, and the runs agents' clients reported, in time order.
#include <boost/json/object.hpp>

#include "history/trigger_history.hpp"
#include "net/server_state.hpp"

namespace popflow::http {

// The whole timeline, the message and every run included.
boost::json::object timeline_json(const history::TriggerRecord& record);
// One line of a search result: no message, no run bodies.
boost::json::object summary_json(const history::TriggerRecord& record);
// A run as the answer to Popflow-Wait carries it.
boost::json::value run_json(const history::Run& run);

// The live monitor (/api/admin/monitor): `event` ({"type": "trigger"|"run", …}) published on
// the customer's monitor topic, only while a monitor stream is open (otherwise free).
std::string monitor_topic(std::string_view customer);
void publish_monitor_event(net::ServerState& state, std::string_view customer,
                           const boost::json::object& event);

}  // namespace popflow::http
