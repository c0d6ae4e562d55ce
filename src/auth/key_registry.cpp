#include "auth/key_registry.hpp"

#include <algorithm>

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
namespace {

KeyState state_of(const store::KeyRecord& k) {
  return {k.customer_id, token_kind(k.kind), k.expires_at, k.revoked_at};
}

}  // namespace

void KeyRegistry::set_source(KeySource* source, double refreshes_per_second) {
  source_ = source;
  rate_ = tokens_ = refreshes_per_second;
  refilled_ = std::chrono::steady_clock::now();
}

void KeyRegistry::replace(const std::vector<store::KeyRecord>& keys) {
  auto table = std::make_shared<Table>();
  table->reserve(keys.size());
  for (const auto& k : keys) table->emplace(k.id, state_of(k));
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
  return it->second;
}

std::optional<KeyState> KeyRegistry::find_or_load(const std::string& key_id) {
  if (auto state = find(key_id)) return state;
  if (!source_) return std::nullopt;
  std::lock_guard load_lock(load_mutex_);
  if (auto state = find(key_id)) return state;  // another thread refreshed meanwhile
  if (!take_refresh()) return std::nullopt;
  try {
    source_->refresh();
  } catch (const std::exception&) {
    return std::nullopt;  // a busy or broken store: unknown for now, the poll tries again
  }
  return find(key_id);
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
  return std::nullopt;
}

}  // namespace popflow::auth
