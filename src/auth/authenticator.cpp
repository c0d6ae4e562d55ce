#include "auth/authenticator.hpp"

#include "auth/jwt.hpp"

namespace popflow::auth {

Authenticator::Authenticator(std::string secret, const KeyRegistry& registry,
                             std::size_t cache_capacity)
    : secret_(std::move(secret)), registry_(registry), capacity_(cache_capacity) {}

boost::system::result<void, AuthFailure> Authenticator::still_valid(const Claims& claims,
                                                                    std::int64_t now) const {
  if (claims.expires_at && now >= *claims.expires_at) return AuthFailure::expired;
  if (claims.not_before && now < *claims.not_before) return AuthFailure::not_yet_valid;
  const auto state = registry_.find(claims.key_id);
  // A key the store does not know (deleted, or signed for another store with the same
  // secret) is refused: the store, not the signature alone, decides what is valid.
  if (!state || state->customer != claims.customer || state->kind != claims.kind)
    return AuthFailure::unknown_key;
  if (state->revoked_at && now >= *state->revoked_at) return AuthFailure::revoked;
  return {};
}

boost::system::result<ClaimsPtr, AuthFailure> Authenticator::authenticate(std::string_view token,
                                                                          TokenKind expected,
                                                                          std::int64_t now) {
  if (token.empty()) return AuthFailure::missing;
  ClaimsPtr claims;
  // Looked up by view: a hit (every trigger but a key's first) copies nothing.
  if (auto it = cache_.find(token); it != cache_.end()) {
    claims = it->second;
  } else {
    auto verified = verify(token, secret_, now);
    if (!verified) return verified.error();
    claims = std::make_shared<const Claims>(std::move(*verified));
    if (capacity_ > 0) {
      if (cache_.size() >= capacity_) cache_.erase(cache_.begin());
      cache_.emplace(std::string(token), claims);
    }
  }
  if (auto valid = still_valid(*claims, now); !valid) return valid.error();
  if (claims->kind != expected) return AuthFailure::wrong_kind;
  return claims;
}

}  // namespace popflow::auth
