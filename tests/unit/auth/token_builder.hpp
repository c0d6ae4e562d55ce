#pragma once
// Hand-made JWTs for the verifier tests: any header and payload JSON, signed HS256 with
// any secret, so a test can produce exactly the malformed or hostile token it needs.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <string_view>

#include "auth/base64url.hpp"

namespace popflow::testing_support {

inline std::string hs256(std::string_view secret, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

// header.payload.signature with the parts given as raw JSON text.
inline std::string signed_token(std::string_view header_json, std::string_view payload_json,
                                std::string_view secret) {
  std::string token =
      auth::base64url_encode(header_json) + "." + auth::base64url_encode(payload_json);
  return token + "." + auth::base64url_encode(hs256(secret, token));
}

inline constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT","kid":"k_1"})";

}  // namespace popflow::testing_support
