#pragma once
// Turns a presented token into verified claims, or says why not.
//
// Cost: a cache hit is one hash lookup of the token plus one registry lookup; a miss adds
// base64, JSON and HMAC-SHA256 (~2 µs). The cache never weakens anything: expiry and
// revocation are checked on every call, hit or miss. A verified token whose key id the
// registry lacks makes it read that key from the store (KeyRegistry::find_or_load). It is bounded
// (an arbitrary entry is evicted when full) so a flood of distinct valid tokens cannot grow memory.
//
// Threads: one Authenticator per event loop (its cache is unsynchronised); the
// KeyRegistry it reads is shared.
#include <algorithm>
#include <boost/system/result.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/auth_failure.hpp"
#include "auth/claims.hpp"
#include "auth/key_registry.hpp"

namespace popflow::auth {

using ClaimsPtr = std::shared_ptr<const Claims>;

class Authenticator {
 public:
  Authenticator(std::string secret, KeyRegistry& registry, std::size_t cache_capacity);

  boost::system::result<ClaimsPtr, AuthFailure> authenticate(std::string_view token,
                                                             TokenKind expected, std::int64_t now);
  // Re-checks claims held by a long-lived subscriber (expiry, revocation).
  boost::system::result<void, AuthFailure> still_valid(const Claims& claims,
                                                       std::int64_t now) const;

  std::size_t cache_size() const { return cache_.size(); }

 private:
  std::string secret_;
  KeyRegistry& registry_;
  std::size_t capacity_;
  // A token's last characters are its signature (an HMAC: as uniform as a hash), so they
  // alone are hashed, not all ~250 bytes of the JWT (~360 instructions less a trigger,
  // docs/performance.md). Equal tails only share a bucket; the whole token is compared, and
  // only verified tokens are cached, so nobody can crowd one bucket.
  struct TokenHash {
    using is_transparent = void;  // find() by string_view
    static constexpr std::size_t kTail = 16;
    std::size_t operator()(std::string_view token) const {
      return std::hash<std::string_view>{}(
          token.substr(token.size() - std::min(token.size(), kTail)));
    }
  };
  std::unordered_map<std::string, ClaimsPtr, TokenHash, std::equal_to<>> cache_;
};

}  // namespace popflow::auth
