#pragma once
// A trigger's record as the store keeps it across a restart (serve saves the history on
// shutdown and restores it at start): its fields as one JSON object. Not the API's shape
// (http/timeline.hpp), which may change for readers; this one only round-trips.
#include <optional>
#include <string>
#include <string_view>

#include "history/trigger_history.hpp"

namespace popflow::history {

std::string stored_json(const TriggerRecord& record);
// nullopt for text that is not a record this version wrote (a later version's, a damaged
// one): restoring skips it rather than failing start-up.
std::optional<TriggerRecord> from_stored_json(std::string_view text);

}  // namespace popflow::history
