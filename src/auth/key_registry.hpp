#pragma once
// What the server knows about every issued key: which customer it belongs to and when
// it is revoked. The store is the truth; refresh() copies it into an immutable snapshot
// that every event loop reads without locking the store. A new snapshot is swapped in
// whole, so readers see the old or the new table, never a mix.
//
// Cost: a reader holds the mutex only to copy a shared_ptr (tens of ns, uncontended but
// for the once-a-second swap). libstdc++ 12's atomic<shared_ptr> would avoid even that,
// but its relaxed unlock is reported by ThreadSanitizer, and a clean TSan run is worth more.
//
// Threads: refresh() is called by one thread (the owner of the store connection);
// find() and ready() by any thread.
#include <memory>
#include <mutex>
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
  std::shared_ptr<const Table> snapshot() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const Table> table_ = std::make_shared<const Table>();
};

}  // namespace popflow::auth
