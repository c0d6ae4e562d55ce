#pragma once
// What the server knows about every issued key: which customer it belongs to, when it
// expires and when it is revoked. The store is the truth; replace() copies it into an
// immutable snapshot that every event loop reads without locking the store. A new snapshot
// is swapped in whole, so readers see the old or the new table, never a mix.
//
// A key created after the last refresh (`key create` while the server runs) is not in the
// snapshot yet: find_or_load() has the source refresh the table at once, so a new key works
// on its first use instead of after the next poll, and the table it sees is the store's
// whole present state (a rotation's new key never arrives without the old key's
// revocation). Only tokens whose signature verified get there, and refreshes on demand are
// bounded by a token bucket (`refreshes_per_second`), so a burst of unknown key ids costs at
// most that many a second; beyond, the id is unknown until the next one.
//
// Cost: a reader holds the mutex only to copy a shared_ptr (tens of ns, uncontended but
// for the once-a-second swap). libstdc++ 12's atomic<shared_ptr> would avoid even that,
// but its relaxed unlock is reported by ThreadSanitizer, and a clean TSan run is worth more.
// A refresh on demand runs on the caller's thread: one `PRAGMA data_version` when the store
// has not changed, a read of the key table when it has (rare: once per change of the store).
//
// Each table entry also holds when its key was last presented (use()): a relaxed atomic
// written at most once a second per key, so the trigger path pays a load and a compare. The
// source carries it into the next table and writes it to the store now and then
// (KeyRefresher); a use racing a replace() may be lost, which costs "last used" a second.
//
// Threads: replace() from the source (one at a time); set_source() at start-up, before any
// reader; the rest from any thread.
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
  bool customer_disabled = false;
};

struct KeyUse {
  std::string key_id;
  std::int64_t at = 0;  // Unix seconds
};

// Brings the registry up to date with the store (calls KeyRegistry::replace when the store
// changed). Called from any thread, one call at a time per registry.
class KeySource {
 public:
  virtual ~KeySource() = default;
  virtual void refresh() = 0;
};

// The token kind a stored key is signed as.
TokenKind token_kind(store::KeyKind kind);

class KeyRegistry {
 public:
  // Without a source only replace() fills the table (unit tests, admin commands).
  void set_source(KeySource* source, double refreshes_per_second);

  // Keys of `disabled_customers` are refused with customer_disabled.
  void replace(const std::vector<store::KeyRecord>& keys,
               const std::vector<std::string>& disabled_customers = {});
  std::optional<KeyState> find(const std::string& key_id) const;
  std::optional<KeyState> find_or_load(const std::string& key_id);
  // find_or_load() of a key being presented now (Unix seconds): remembered as its last use.
  std::optional<KeyState> use(const std::string& key_id, std::int64_t now);
  std::optional<std::int64_t> last_used(const std::string& key_id) const;
  std::vector<KeyUse> uses() const;  // every key used since it was loaded or last stored
  std::size_t size() const;
  // Changes whenever the table does: a holder of claims checked at generation g need not
  // look again while it is still g (and its expiry has not come).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  struct Entry {
    Entry(KeyState s, std::int64_t used) : state(std::move(s)), used_at(used) {}
    KeyState state;
    mutable std::atomic<std::int64_t> used_at;  // 0: never
  };
  using Table = std::unordered_map<std::string, Entry>;
  std::shared_ptr<const Table> snapshot() const;
  // The entry of key_id, loading it from the source when missing; the table is returned too,
  // since it owns the entry.
  std::pair<std::shared_ptr<const Table>, const Entry*> lookup(const std::string& key_id);
  bool take_refresh();  // under load_mutex_

  mutable std::mutex mutex_;
  std::shared_ptr<const Table> table_ = std::make_shared<const Table>();
  std::atomic<std::uint64_t> generation_{1};

  KeySource* source_ = nullptr;
  double rate_ = 0;
  std::mutex load_mutex_;  // serialises refreshes on demand and guards the bucket
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_;
};

// The one check of a verified token against the registry: known, of its customer and kind,
// not expired, not yet valid, revoked. Used when a token is presented and again wherever
// claims are held for long (MQTT and SSE connections, sessions at each delivery).
std::optional<AuthFailure> credential_problem(const KeyState* state, const Claims& claims,
                                              std::int64_t now);

}  // namespace popflow::auth
