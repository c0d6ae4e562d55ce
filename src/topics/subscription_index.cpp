#include "topics/subscription_index.hpp"

#include <algorithm>

namespace popflow {
namespace {

std::string_view first_level(std::string_view s, std::string_view& rest, bool& last) {
  const auto slash = s.find('/');
  last = slash == std::string_view::npos;
  rest = last ? std::string_view{} : s.substr(slash + 1);
  return s.substr(0, slash);
}

}  // namespace

SubscriptionIndex::SubscriptionIndex() : root_(std::make_unique<Node>()) {}
SubscriptionIndex::~SubscriptionIndex() = default;

bool SubscriptionIndex::add(std::string_view filter, Subscriber* subscriber,
                            const SubscriptionOptions& options, std::string_view share_group) {
  Node* node = root_.get();
  for (bool last = false; !last;) {
    std::string_view rest;
    const auto level = first_level(filter, rest, last);
    auto& child = node->children[std::string(level)];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
    filter = rest;
  }
  auto& entries = share_group.empty()
                      ? node->entries
                      : node->groups.try_emplace(std::string(share_group)).first->second.members;
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& e) { return e.subscriber == subscriber; });
  if (it != entries.end()) {
    it->options = options;
    return false;
  }
  entries.push_back({subscriber, options});
  ++size_;
  return true;
}

bool SubscriptionIndex::remove(std::string_view filter, Subscriber* subscriber,
                               std::string_view share_group) {
  // Remember the path so emptied nodes can be pruned bottom-up.
  std::vector<std::pair<Node*, std::string>> path;
  Node* node = root_.get();
  for (bool last = false; !last;) {
    std::string_view rest;
    const auto level = first_level(filter, rest, last);
    auto it = node->children.find(std::string(level));
    if (it == node->children.end()) return false;
    path.emplace_back(node, std::string(level));
    node = it->second.get();
    filter = rest;
  }
  std::vector<Entry>* entries = &node->entries;
  auto group = node->groups.end();
  if (!share_group.empty()) {
    group = node->groups.find(share_group);
    if (group == node->groups.end()) return false;
    entries = &group->second.members;
  }
  auto it = std::find_if(entries->begin(), entries->end(),
                         [&](const Entry& e) { return e.subscriber == subscriber; });
  if (it == entries->end()) return false;
  entries->erase(it);
  --size_;
  if (group != node->groups.end() && group->second.members.empty()) node->groups.erase(group);
  for (auto p = path.rbegin(); p != path.rend(); ++p) {
    auto child = p->first->children.find(p->second);
    if (!child->second->empty()) break;
    p->first->children.erase(child);
  }
  return true;
}

void SubscriptionIndex::collect(const Node& node, std::vector<Match>& out) {
  for (const auto& e : node.entries) out.push_back({e.subscriber, e.options});
  for (const auto& [name, group] : node.groups) {
    if (group.members.empty()) continue;
    const auto turn = group.next.fetch_add(1, std::memory_order_relaxed);
    const auto& e = group.members[turn % group.members.size()];
    out.push_back({e.subscriber, e.options});
  }
}

void SubscriptionIndex::match_levels(const Node& node, std::string_view topic, bool first,
                                     bool dollar, std::vector<Match>& out) const {
  // MQTT 4.7.2: a wildcard in the first level of a filter never matches a $-topic.
  const bool wildcards = !(first && dollar);
  if (wildcards) {
    if (auto hash = node.children.find("#"); hash != node.children.end())
      collect(*hash->second, out);
  }
  std::string_view rest;
  bool last = false;
  const auto level = first_level(topic, rest, last);
  auto descend = [&](const Node& child) {
    if (last) {
      collect(child, out);
      // "a/#" matches "a" too.
      if (auto hash = child.children.find("#"); hash != child.children.end())
        collect(*hash->second, out);
    } else {
      match_levels(child, rest, false, dollar, out);
    }
  };
  // unordered_map<std::string> has no heterogeneous lookup in C++20's libstdc++ 12.
  thread_local std::string key;
  key.assign(level);
  if (auto exact = node.children.find(key); exact != node.children.end()) descend(*exact->second);
  if (wildcards) {
    if (auto plus = node.children.find("+"); plus != node.children.end()) descend(*plus->second);
  }
}

void SubscriptionIndex::match(std::string_view topic, std::vector<Match>& out) const {
  match_levels(*root_, topic, true, !topic.empty() && topic.front() == '$', out);
}

}  // namespace popflow
