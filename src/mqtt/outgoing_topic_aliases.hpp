#pragma once
// The server's half of MQTT 5.0 topic aliases (section 3.3.2.3.4): which alias an outgoing
// PUBLISH carries and whether it must still carry its topic. Aliases are per network
// connection, so a connection owns one table and starts it empty.
//
// Policy: a topic gets an alias the first time it is sent (topic and alias), then travels as
// the alias alone (empty topic). Once every alias is taken, the least recently sent topic gives
// its alias up to the new one, which is sent with its topic again: a PUBLISH carrying a topic and
// an alias is exactly how the spec remaps an alias, so the client needs no other signal.
//
// Cost: choose() is one hash lookup (and, on a hit, an O(1) move to the front of the
// recency list); only a topic seen for the first time costs more at commit(): an insert, and
// with the table full the erase of the evicted topic.
//
// Threads: none of its own; the owning connection's worker is the only caller.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace popflow::mqtt {

class OutgoingTopicAliases {
 public:
  // Empties the table; `capacity` is the most aliases to assign (the smaller of the client's
  // Topic Alias Maximum and the server's own limit); 0 turns aliases off.
  void reset(std::uint16_t capacity);
  std::uint16_t capacity() const { return capacity_; }

  struct Choice {
    std::uint16_t alias = 0;  // 0: no Topic Alias property
    bool with_topic = true;   // false: the client already maps `alias`; send an empty topic
  };
  // What to send `topic` as. A choice that assigns a new alias takes effect only with
  // commit(), once the PUBLISH that carries it is sure to leave (it might still be dropped,
  // e.g. over the client's Maximum Packet Size, and the client would never learn the alias).
  Choice choose(std::string_view topic);
  void commit(std::string_view topic, Choice choice);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Slot {                          // one alias; index = alias number, 0 unused
    const std::string* topic = nullptr;  // the key in by_topic_ (node keys never move)
    std::uint16_t newer = 0;             // recency list, 0 = none
    std::uint16_t older = 0;
  };
  void unlink(std::uint16_t alias);
  void push_front(std::uint16_t alias);

  std::uint16_t capacity_ = 0;
  std::unordered_map<std::string, std::uint16_t, Hash, std::equal_to<>> by_topic_;
  std::vector<Slot> slots_{1};  // grows as aliases are first assigned
  std::uint16_t newest_ = 0;
  std::uint16_t oldest_ = 0;
};

}  // namespace popflow::mqtt
