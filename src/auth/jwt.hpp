#pragma once
// HS256 JWTs signed with the server's secret. Verification pins the algorithm: the
// header must say exactly {"alg":"HS256"}; "none", RS256/ES256 (algorithm confusion) and
// anything else are refused before any signature work, and so is a header with "crit"
// (no JWS extension is understood here: RFC 7515 4.1.11).
//
// Header:  {"alg":"HS256","typ":"JWT","kid":"k_..."}
// Claims:  {"jti":"k_...","sub":"<customer>","knd":"api"|"client","scp":["cti","crm"],
//           "crm":["host",...],"agt":"1001","iat":...,"exp":...}
#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/auth_failure.hpp"
#include "auth/claims.hpp"

namespace popflow::auth {

// Tokens longer than this are refused as malformed before decoding (cost bound).
inline constexpr std::size_t kMaxTokenBytes = 4096;

std::string sign(const Claims& claims, std::string_view secret);

// Checks structure, algorithm, signature (constant-time) and the exp/nbf window against
// `now` (Unix seconds). Does not know about revocation: see Authenticator.
boost::system::result<Claims, AuthFailure> verify(std::string_view token, std::string_view secret,
                                                  std::int64_t now);

}  // namespace popflow::auth
