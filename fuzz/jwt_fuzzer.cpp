// auth::verify() with a fixed secret. Most mutations of a token break its signature, and
// verify() rightly stops there, so half the inputs are signed by the fuzzer itself: the
// header and claims JSON then reach the parsing that only a correctly signed token reaches.
//
// Input: one flags byte (bit 0: sign mode), a time `now`, then either the raw token (the
// rest) or, in sign mode, the header JSON (length-prefixed string) and the claims JSON (rest).
// Checks beyond "no crash, no UB, no leak":
//   - whatever verifies, signed again with sign(), verifies to the same claims.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"

namespace {

using namespace popflow::auth;

constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";

void require(bool condition) {
  if (!condition) std::abort();
}

std::string signed_token(std::string_view header, std::string_view claims) {
  std::string token = base64url_encode(header) + "." + base64url_encode(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &len);
  return token + "." + base64url_encode(std::string_view(reinterpret_cast<char*>(mac), len));
}

// What sign() writes: the scope and CRM IDs only for API keys.
bool same_claims(const Claims& a, const Claims& b) {
  const bool api = a.kind == TokenKind::api_key;
  return a.key_id == b.key_id && a.customer == b.customer && a.kind == b.kind &&
         a.agent == b.agent && a.issued_at == b.issued_at && a.expires_at == b.expires_at &&
         a.not_before == b.not_before && (!api || (a.scope == b.scope && a.crm_ids == b.crm_ids));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const bool sign_mode = input.ConsumeIntegral<std::uint8_t>() & 1;
  // Around the seeds' iat/exp, so both sides of the validity window are reached.
  const std::int64_t now = std::int64_t{1'795'900'000} + input.ConsumeIntegral<std::int32_t>();
  std::string token;
  if (sign_mode) {
    const std::string header = input.ConsumeRandomLengthString(256);
    token = signed_token(header, input.ConsumeRemainingBytesAsString());
  } else {
    token = input.ConsumeRemainingBytesAsString();
  }

  const auto claims = verify(token, kSecret, now);
  if (!claims) return 0;
  require(!claims->key_id.empty());
  require(!claims->expires_at || now < *claims->expires_at);
  require(!claims->not_before || now >= *claims->not_before);
  const auto again = verify(sign(*claims, kSecret), kSecret, now);
  require(again.has_value());
  require(same_claims(*claims, *again));
  // Another secret never verifies it.
  require(!verify(token, "another-secret", now));
  return 0;
}
