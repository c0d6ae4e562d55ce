// Who is connected now (CONTRACT "Admin API", agents online): each agent of the customer with
// its MQTT sessions (connected over which transport since when, or waiting for its client
// with messages queued) and its open SSE streams. Read from the broker's session table and
// the SSE stream counts, which lock themselves; nothing here touches the store.
#include <algorithm>
#include <map>

#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "broker/broker.hpp"
#include "net/server_state.hpp"

namespace popflow::admin {
namespace {

namespace json = boost::json;

struct AgentOnline {
  json::array sessions;
  std::size_t sse_streams = 0;
  bool connected = false;
};

}  // namespace

Checked<Reply> list_online(AdminCall& call) {
  const auto only = call.query_value("agent");
  auto& state = call.worker.state();
  // Agent id → what it has open; "" gathers customer-wide credentials (no agent).
  std::map<std::string, AgentOnline> agents;
  auto views = state.broker.sessions_of(call.customer);
  std::ranges::sort(views, {}, [](const broker::SessionView& v) { return v.client_id; });
  for (const auto& view : views) {
    const auto agent = view.agent.value_or("");
    if (!only.empty() && agent != only) continue;
    auto& entry = agents[agent];
    entry.connected = entry.connected || view.connected;
    json::object session{{"clientId", view.client_id},
                         {"connected", view.connected},
                         {"since", iso_ms(view.since_ms)},
                         {"queued", view.queued},
                         {"persistent", view.persistent}};
    if (view.connected) session["transport"] = view.transport;
    entry.sessions.push_back(std::move(session));
  }
  for (const auto& [agent, streams] : state.sse_streams.streams_by_agent(call.customer)) {
    if (!only.empty() && agent != only) continue;
    agents[agent].sse_streams = streams;
    agents[agent].connected = true;
  }
  json::array list;
  std::size_t connected = 0;
  for (auto& [agent, entry] : agents) {
    connected += entry.connected ? 1 : 0;
    list.push_back({{"agentId", agent.empty() ? json::value() : json::value(agent)},
                    {"connected", entry.connected},
                    {"sessions", std::move(entry.sessions)},
                    {"sseStreams", entry.sse_streams}});
  }
  return json_reply(200, {{"agents", std::move(list)}, {"connected", connected}});
}

}  // namespace popflow::admin
