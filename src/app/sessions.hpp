#pragma once
// `popflow-connect session list|purge` (issue 11): the persistent MQTT sessions the store
// holds, and removing them. Each prints its result on stdout and throws std::runtime_error
// with a one-line reason.
//
// Purge and a running server: the command removes the sessions' rows at once and leaves a
// request in the store that the server's once-a-second sweep picks up, ending the sessions
// in memory too (their connections get DISCONNECT 0x98). So it works the same whether a
// server runs or not; a server started later never restores them.
#include <iosfwd>

#include "app/admin.hpp"
#include "broker/session_store.hpp"

namespace popflow::app {

void session_list(DataDir& dir, std::ostream& out);
// Throws when `filter` names nothing (purging every session takes --all).
void session_purge(DataDir& dir, const broker::SessionFilter& filter, bool all, std::ostream& out);

}  // namespace popflow::app
