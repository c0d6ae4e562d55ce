#pragma once
// The trigger history across a restart: serve saves what the history holds when it stops
// and restores it when it starts, so a deploy keeps each trigger's story (a crash loses
// what came since the last start). The store holds one save, never more than the history's
// bounds (count, age, bytes) let it hold in memory; restoring drops what has aged out since.
// Costs nothing per trigger. Threads: the caller's, while nothing else uses the store.
#include "history/trigger_history.hpp"
#include "store/repositories.hpp"

namespace popflow::app {

void restore_timelines(store::Store& store, history::TriggerHistory& history);
void save_timelines(store::Store& store, const history::TriggerHistory& history);

}  // namespace popflow::app
