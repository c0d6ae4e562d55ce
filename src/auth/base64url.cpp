#include "auth/base64url.hpp"

#include <openssl/evp.h>

namespace popflow::auth {

// OpenSSL's EVP block coder speaks standard base64; translate the two characters that
// differ and the padding rather than writing another codec.
std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return out;
}

namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '-' ? 62 : 63;
}

// Exactly one text per byte string: the bits of the last character that no byte uses
// must be zero, so a token cannot be varied (and fill the token cache) for free.
bool canonical_tail(std::string_view text) {
  if (text.empty()) return true;
  const int unused_bits = text.size() % 4 == 2 ? 4 : text.size() % 4 == 3 ? 2 : 0;
  return (sextet(text.back()) & ((1 << unused_bits) - 1)) == 0;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard(text);
  for (char& c : standard) {
    // Only the url-safe alphabet: also refuses '+', '/', '=' and the whitespace that
    // EVP_DecodeBlock would silently trim.
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (!alnum) {
      return std::nullopt;
    }
  }
  if (!canonical_tail(text)) return std::nullopt;
  const std::size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::string out(standard.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()),
                                static_cast<int>(standard.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace popflow::auth
