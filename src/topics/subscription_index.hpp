#pragma once
// A trie of topic filters, one node per level, for matching a topic against every
// subscription in O(levels × wildcard branches) instead of O(subscriptions).
// Shared subscriptions ($share/group/filter) live on the node of their filter, one
// group per name; a match picks one member of each group in turn.
// Not thread-safe: the Router guards it.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "topics/subscriber.hpp"

namespace popflow {

struct Match {
  Subscriber* subscriber;
  SubscriptionOptions options;
};

class SubscriptionIndex {
 public:
  SubscriptionIndex();
  ~SubscriptionIndex();

  // `filter` must be valid (is_valid_topic_filter). Replaces the options of an existing
  // subscription of the same subscriber to the same filter and group. Returns true if new.
  bool add(std::string_view filter, Subscriber* subscriber, const SubscriptionOptions& options,
           std::string_view share_group = {});
  // Returns true if the subscription existed.
  bool remove(std::string_view filter, Subscriber* subscriber, std::string_view share_group = {});
  // Appends every matching subscription to `out`. Only the round-robin position of shared
  // groups changes (atomically), so concurrent calls are safe under a shared lock.
  void match(std::string_view topic, std::vector<Match>& out) const;

  std::size_t size() const { return size_; }

 private:
  struct Entry {
    Subscriber* subscriber;
    SubscriptionOptions options;
  };
  struct SharedGroup {
    std::vector<Entry> members;
    mutable std::atomic<std::size_t> next{0};
  };
  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> children;  // "+" and "#" included
    std::vector<Entry> entries;
    std::map<std::string, SharedGroup, std::less<>> groups;
    bool empty() const { return children.empty() && entries.empty() && groups.empty(); }
  };

  static void collect(const Node& node, std::vector<Match>& out);
  void match_levels(const Node& node, std::string_view rest, bool first, bool dollar,
                    std::vector<Match>& out) const;

  std::unique_ptr<Node> root_;
  std::size_t size_ = 0;
};

}  // namespace popflow
