#pragma once
// The message ids a node delivered lately, to deliver each trigger once although it may
// arrive on two channels (its agent's and its customer's, when this node needs both) and,
// later, again from a repair (docs/cluster.md). Bounded by count: the oldest id is forgotten
// first. Cost: one hash lookup and insert per message; memory ~100 bytes per id kept.
// Single-threaded: the backplane's loop only.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace popflow::cluster {

class RecentIds {
 public:
  explicit RecentIds(std::size_t capacity) : capacity_(capacity) {}

  // True the first time `id` is seen (among the last `capacity` ids), false for a repeat.
  bool first_time(std::string_view id);

 private:
  std::size_t capacity_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace popflow::cluster
