#include "admin/catalog_loader.hpp"

namespace popflow::admin {

std::shared_ptr<const workflows::Snapshot> load_catalog(store::Store& store) {
  workflows::SnapshotData data;
  store.read([&](store::Repositories&) {
    data.instances = store.all_instances();
    data.agents = store.all_agents();
    data.events = store.all_events();
    for (auto& published : store.all_published())
      data.published.push_back({std::move(published.publication),
                                std::move(published.workflow_name),
                                std::move(published.definition)});
  });
  return std::make_shared<const workflows::Snapshot>(data);
}

}  // namespace popflow::admin
