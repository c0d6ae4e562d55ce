#pragma once
// Builds the resolution snapshot (workflows/resolver.hpp) from the store: every customer's
// instances, agent directory and publications, read in one transaction so the snapshot is
// one consistent state. Cost: a few full-table reads; runs on the admin service's store
// thread after a change, never on a trigger.
#include <memory>

#include "store/repositories.hpp"
#include "workflows/resolver.hpp"

namespace popflow::admin {

std::shared_ptr<const workflows::Snapshot> load_catalog(store::Store& store);

}  // namespace popflow::admin
