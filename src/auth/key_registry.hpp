#pragma once
// What the server knows about every issued key: which customer it belongs to and when
// it is revoked. The store is the truth; refresh() copies it into an immutable snapshot
// that every event loop reads without locking the store. A new snapshot is published
// atomically, so readers see the old or the new table, never a mix.
//
// Threads: refresh() is called by one thread (the owner of the store connection);
// find() and ready() by any thread.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/claims.hpp"
#include "store/key_store.hpp"

namespace popflow::auth {

struct KeyState {
  std::string customer;
  TokenKind kind = TokenKind::api_key;
  std::optional<std::int64_t> revoked_at;  // may lie in the future (rotation grace)
};

class KeyRegistry {
 public:
  void replace(const std::vector<store::KeyRecord>& keys);
  std::optional<KeyState> find(const std::string& key_id) const;
  std::size_t size() const;

 private:
  using Table = std::unordered_map<std::string, KeyState>;
  std::atomic<std::shared_ptr<const Table>> table_{std::make_shared<const Table>()};
};

}  // namespace popflow::auth
