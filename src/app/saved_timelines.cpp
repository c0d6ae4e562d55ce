#include "app/saved_timelines.hpp"

#include <chrono>

#include "core/log.hpp"
#include "core/time.hpp"

namespace popflow::app {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

void restore_timelines(store::Store& store, history::TriggerHistory& history) {
  const auto start = Clock::now();
  std::vector<history::TriggerRecord> records;
  store.read([&](store::Repositories& repos) { records = repos.timelines.all(); });
  const auto now_ms = unix_now_ms();
  for (const auto& record : records) history.record(record, now_ms);
  history.expire(now_ms);
  log::info("timelines restored", {{"triggers", history.size()}, {"ms", ms_since(start)}});
}

void save_timelines(store::Store& store, const history::TriggerHistory& history) {
  const auto start = Clock::now();
  const auto records = history.all();
  store.write([&](store::Repositories& repos) { repos.timelines.replace_all(records); });
  log::info("timelines saved", {{"triggers", records.size()}, {"ms", ms_since(start)}});
}

}  // namespace popflow::app
