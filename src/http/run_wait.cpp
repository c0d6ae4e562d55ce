#include "http/run_wait.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/timeline.hpp"

namespace popflow::http {
namespace {

// The 200 with what the agent's screen did: "run" from the first report, or null and a
// warning when none came in time.
Response with_run(Response accepted, const history::Run* run, std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  auto body = boost::json::parse(accepted.body(), ec);
  if (ec || !body.is_object()) return accepted;
  auto& object = body.get_object();
  if (run) {
    object["run"] = run_json(*run);
  } else {
    object["run"] = nullptr;
    auto& warnings = object["warnings"];
    if (!warnings.is_array()) warnings = boost::json::array();
    warnings.get_array().emplace_back(
        "no run was reported within " + std::to_string(timeout.count()) +
        " ms: the agent's client did not run the workflow, or is not connected; see GET "
        "/api/triggers/" +
        std::string(object["id"].as_string()));
  }
  accepted.body() = boost::json::serialize(object);
  accepted.prepare_payload();
  return accepted;
}

struct RunWaitState {
  RunWaitState(Response response, RunWait run_wait, net::Worker& on)
      : accepted(std::move(response)), wait(std::move(run_wait)), worker(on), timer(on.io()) {}
  Response accepted;
  RunWait wait;
  net::Worker& worker;
  boost::asio::steady_timer timer;
  Respond respond;
  bool done = false;  // on the worker's loop only
  std::uint64_t ticket = 0;
};

// The answer sent is the one a retry with the same Idempotency-Key gets back.
void answer(RunWaitState& state, const history::Run* run) {
  auto response = with_run(std::move(state.accepted), run, state.wait.timeout);
  if (const auto& hold = state.wait.idempotency)
    remember_answer(state.worker.state(), *hold, response.body());
  state.respond(std::move(response));
}

}  // namespace

// The first run or the timeout, whichever comes first, answers; both are settled on the
// worker's loop (a run is reported on another loop's thread), so `done` needs no lock.
Deferred await_run(Response accepted, RunWait wait, net::Worker& worker) {
  auto state = std::make_shared<RunWaitState>(std::move(accepted), std::move(wait), worker);
  return Deferred{[state](Respond respond) {
    state->respond = std::move(respond);
    auto& history = state->worker.state().history;
    state->ticket = history.wait_for_run(state->wait.message_id, state->wait.customer,
                                         [state](const history::Run& run) {
                                           boost::asio::post(state->worker.io(), [state, run] {
                                             if (std::exchange(state->done, true)) return;
                                             state->timer.cancel();
                                             answer(*state, &run);
                                           });
                                         });
    state->timer.expires_after(state->wait.timeout);
    state->timer.async_wait([state](boost::system::error_code ec) {
      if (ec || std::exchange(state->done, true)) return;
      state->worker.state().history.cancel(state->ticket);
      answer(*state, nullptr);
    });
  }};
}

}  // namespace popflow::http
