#pragma once
// What the server knows about every issued key: which customer it belongs to, when it
// expires and when it is revoked. The store is the truth; replace() copies it into an
// immutable snapshot that every event loop reads without locking the store. A new snapshot
// is swapped in whole, so readers see the old or the new table, never a mix.
//
// A key created after the last refresh (`key create` while the server runs) is not in the
// snapshot yet: find_or_load() reads that one key from the store at once, so a new key works
// on its first use instead of after the next poll. Only tokens whose signature verified get
// there, and store reads are bounded by a token bucket (`lookups_per_second`), so a burst of
// unknown key ids costs at most that many reads a second; beyond, the id is unknown.
//
// Cost: a reader holds the mutex only to copy a shared_ptr (tens of ns, uncontended but
// for the once-a-second swap). libstdc++ 12's atomic<shared_ptr> would avoid even that,
// but its relaxed unlock is reported by ThreadSanitizer, and a clean TSan run is worth more.
// A load is one indexed SQLite read (tens of µs) on the caller's thread, then a copy of
// the table: rare by construction (once per new key).
//
// Threads: replace() from one thread (the owner of the store connection); the rest from any.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/auth_failure.hpp"
#include "auth/claims.hpp"
#include "store/key_store.hpp"

namespace popflow::auth {

struct KeyState {
  std::string customer;
  TokenKind kind = TokenKind::api_key;
  std::optional<std::int64_t> expires_at;
  std::optional<std::int64_t> revoked_at;  // may lie in the future (rotation grace)
};

// Reads one key from the store. Called by find_or_load() under its own mutex, so an
// implementation may use one store connection without locking.
class KeySource {
 public:
  virtual ~KeySource() = default;
  virtual std::optional<store::KeyRecord> find(const std::string& key_id) = 0;
};

class KeyRegistry {
 public:
  // `source` null: only replace() fills the table (unit tests, admin commands).
  explicit KeyRegistry(KeySource* source = nullptr, double lookups_per_second = 20);

  void replace(const std::vector<store::KeyRecord>& keys);
  std::optional<KeyState> find(const std::string& key_id) const;
  std::optional<KeyState> find_or_load(const std::string& key_id);
  std::size_t size() const;
  // Changes whenever the table does: a holder of claims checked at generation g need not
  // look again while it is still g (and its expiry has not come).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  using Table = std::unordered_map<std::string, KeyState>;
  std::shared_ptr<const Table> snapshot() const;
  void install(std::shared_ptr<const Table> table);  // takes mutex_
  bool take_lookup();                                // under load_mutex_

  mutable std::mutex mutex_;
  std::shared_ptr<const Table> table_ = std::make_shared<const Table>();
  std::atomic<std::uint64_t> generation_{1};

  KeySource* const source_;
  const double rate_;
  std::mutex load_mutex_;  // serialises the source and guards the bucket
  double tokens_;
  std::chrono::steady_clock::time_point refilled_ = std::chrono::steady_clock::now();
};

// The one check of a verified token against the registry: known, of its customer and kind,
// not expired, not yet valid, revoked. Used when a token is presented and again wherever
// claims are held for long (MQTT and SSE connections, sessions at each delivery).
std::optional<AuthFailure> credential_problem(const KeyState* state, const Claims& claims,
                                              std::int64_t now);

}  // namespace popflow::auth
