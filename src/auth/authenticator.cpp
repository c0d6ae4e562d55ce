#include "auth/authenticator.hpp"

#include "auth/jwt.hpp"

namespace popflow::auth {

Authenticator::Authenticator(std::string secret, KeyRegistry& registry, std::size_t cache_capacity)
    : secret_(std::move(secret)), registry_(registry), capacity_(cache_capacity) {}

boost::system::result<void, AuthFailure> Authenticator::still_valid(const Claims& claims,
                                                                    std::int64_t now) const {
  const auto state = registry_.find(claims.key_id);
  if (auto problem = credential_problem(state ? &*state : nullptr, claims, now)) return *problem;
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
  // A key id the snapshot lacks may be a key created since the last poll: looked up now.
  const auto state = registry_.use(claims->key_id, now);
  if (auto problem = credential_problem(state ? &*state : nullptr, *claims, now)) return *problem;
  if (claims->kind != expected) return AuthFailure::wrong_kind;
  return claims;
}

}  // namespace popflow::auth
