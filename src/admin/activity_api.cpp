// A customer's last hour at a glance (the console's chart): minute by minute, triggers
// received and how many reached a session, and runs by outcome, from the counts the trigger
// history keeps as records come (history/activity.hpp). This node's, like /metrics.
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"
#include "net/server_state.hpp"

namespace popflow::admin {

Checked<Reply> get_activity(AdminCall& call) {
  namespace json = boost::json;
  json::array minutes;
  for (const auto& m : call.worker.state().history.activity(call.customer, call.now_ms))
    minutes.push_back({{"at", iso_ms(m.minute * 60'000)},
                       {"triggers", m.triggers},
                       {"delivered", m.delivered},
                       {"executed", m.executed},
                       {"failed", m.failed},
                       {"unresolved", m.unresolved},
                       {"skipped", m.skipped}});
  return json_reply(200, {{"minutes", std::move(minutes)}});
}

}  // namespace popflow::admin
