#include "auth/key_registry.hpp"

#include <algorithm>
#include <unordered_set>

namespace popflow::auth {

TokenKind token_kind(store::KeyKind kind) {
  switch (kind) {
    case store::KeyKind::api_key:
      return TokenKind::api_key;
    case store::KeyKind::client_token:
      return TokenKind::client_token;
    case store::KeyKind::admin_token:
      break;
  }
  return TokenKind::admin_token;
}

void KeyRegistry::set_source(KeySource* source, double refreshes_per_second) {
  source_ = source;
  rate_ = tokens_ = refreshes_per_second;
  refilled_ = std::chrono::steady_clock::now();
}

void KeyRegistry::replace(const std::vector<store::KeyRecord>& keys,
                          const std::vector<std::string>& disabled_customers) {
  const std::unordered_set<std::string_view> disabled(disabled_customers.begin(),
                                                      disabled_customers.end());
  const auto old = snapshot();
  auto table = std::make_shared<Table>();
  table->reserve(keys.size());
  for (const auto& k : keys) {
    // The newer of the store's record and what this process saw and has not stored yet.
    auto used = k.last_used_at.value_or(0);
    if (auto it = old->find(k.id); it != old->end())
      used = std::max(used, it->second.used_at.load(std::memory_order_relaxed));
    table->try_emplace(k.id,
                       KeyState{k.customer_id, token_kind(k.kind), k.expires_at, k.revoked_at,
                                disabled.contains(k.customer_id)},
                       used);
  }
  std::lock_guard lock(mutex_);
  table_ = std::move(table);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<const KeyRegistry::Table> KeyRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

std::optional<KeyState> KeyRegistry::find(const std::string& key_id) const {
  const auto table = snapshot();
  auto it = table->find(key_id);
  if (it == table->end()) return std::nullopt;
  return it->second.state;
}

std::pair<std::shared_ptr<const KeyRegistry::Table>, const KeyRegistry::Entry*> KeyRegistry::lookup(
    const std::string& key_id) {
  const auto in = [&key_id](std::shared_ptr<const Table> table) {
    auto it = table->find(key_id);
    const Entry* entry = it == table->end() ? nullptr : &it->second;
    return std::pair{std::move(table), entry};
  };
  if (auto found = in(snapshot()); found.second || !source_) return found;
  std::lock_guard load_lock(load_mutex_);
  // Another thread may have refreshed meanwhile; and at most `rate_` refreshes a second.
  if (auto found = in(snapshot()); found.second || !take_refresh()) return found;
  try {
    source_->refresh();
  } catch (const std::exception&) {
    return {snapshot(), nullptr};  // a busy or broken store: unknown for now, the poll tries again
  }
  return in(snapshot());
}

std::optional<KeyState> KeyRegistry::find_or_load(const std::string& key_id) {
  const auto [table, entry] = lookup(key_id);
  if (!entry) return std::nullopt;
  return entry->state;
}

std::optional<KeyState> KeyRegistry::use(const std::string& key_id, std::int64_t now) {
  const auto [table, entry] = lookup(key_id);
  if (!entry) return std::nullopt;
  if (entry->used_at.load(std::memory_order_relaxed) < now)
    entry->used_at.store(now, std::memory_order_relaxed);
  return entry->state;
}

std::optional<std::int64_t> KeyRegistry::last_used(const std::string& key_id) const {
  const auto table = snapshot();
  auto it = table->find(key_id);
  if (it == table->end()) return std::nullopt;
  if (const auto at = it->second.used_at.load(std::memory_order_relaxed); at > 0) return at;
  return std::nullopt;
}

std::vector<KeyUse> KeyRegistry::uses() const {
  const auto table = snapshot();
  std::vector<KeyUse> out;
  for (const auto& [id, entry] : *table)
    if (const auto at = entry.used_at.load(std::memory_order_relaxed); at > 0)
      out.push_back({id, at});
  return out;
}

bool KeyRegistry::take_refresh() {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double> elapsed = now - refilled_;
  refilled_ = now;
  tokens_ = std::min(rate_, tokens_ + elapsed.count() * rate_);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

std::size_t KeyRegistry::size() const {
  return snapshot()->size();
}

std::optional<AuthFailure> credential_problem(const KeyState* state, const Claims& claims,
                                              std::int64_t now) {
  if (claims.expires_at && now >= *claims.expires_at) return AuthFailure::expired;
  if (claims.not_before && now < *claims.not_before) return AuthFailure::not_yet_valid;
  // A key the store does not know (deleted, or signed for another store with the same
  // secret) is refused: the store, not the signature alone, decides what is valid.
  if (!state || state->customer != claims.customer || state->kind != claims.kind)
    return AuthFailure::unknown_key;
  if (state->expires_at && now >= *state->expires_at) return AuthFailure::expired;
  if (state->revoked_at && now >= *state->revoked_at) return AuthFailure::revoked;
  if (state->customer_disabled) return AuthFailure::customer_disabled;
  return std::nullopt;
}

}  // namespace popflow::auth
