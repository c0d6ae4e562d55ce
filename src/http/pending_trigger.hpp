#pragma once
// A published trigger whose 200 waits: for the journal to write it (durability), for Redis
// to take it for the other nodes (--redis), and for its first run (Popflow-Wait). Defined
// apart from connect_api.hpp so that a deferred answer (deferred.hpp) can be one.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "http/types.hpp"
#include "topics/message.hpp"

namespace popflow::http {

// An Idempotency-Key claimed in the IdempotencyStore, completed or released at settlement;
// with --redis also claimed on every node (docs/cluster.md "Idempotency").
struct IdempotencyHold {
  std::string scope;  // the API key id
  std::string key;
  std::string customer{};  // the key's customer: the Redis key's hash tag
  std::string marker{};    // set once claimed across nodes: whose claim it is there
};

// Popflow-Wait (CONTRACT "Delivery truth"): the 200 waits for the trigger's first run. Its
// Idempotency-Key stays "in progress" through the wait and remembers the answer sent, with
// its run, so a retry replays exactly what the first caller got.
struct RunWait {
  std::string message_id;
  std::string customer;
  std::chrono::milliseconds timeout{0};
  std::optional<IdempotencyHold> idempotency;  // set by the session once the trigger settled
};
inline constexpr std::chrono::seconds kMaxPopflowWait{30};

struct PendingTrigger {
  Response accepted;  // the 200, once written
  std::uint64_t journal_seq = 0;
  std::optional<IdempotencyHold> idempotency;
  std::optional<RunWait> wait;  // answered once a run is reported, or at its timeout
  // With --redis: the message, to hand to the other nodes; the 200 waits for Redis to take it.
  MessagePtr to_other_nodes{};
};

// What became of a published trigger's waits (settle_trigger).
struct Settled {
  bool written = true;  // the journal wrote it (or had nothing to write)
  bool handed = true;   // Redis took it for the other nodes (or there are none)
};

}  // namespace popflow::http
