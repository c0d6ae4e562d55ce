#include "cluster/recent_ids.hpp"

namespace popflow::cluster {

bool RecentIds::first_time(std::string_view id) {
  auto [it, inserted] = ids_.emplace(id);
  if (!inserted) return false;
  order_.emplace_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace popflow::cluster
