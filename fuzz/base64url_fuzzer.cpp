// auth::base64url_decode() / base64url_encode(), the first layer of every JWT.
// Checks beyond "no crash, no UB, no leak":
//   - decode accepts exactly the canonical unpadded url-safe texts (a reference check);
//   - what decodes encodes back to the same text (one text per byte string), and any bytes
//     encode to a text that decodes back to them.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/base64url.hpp"

namespace {

using namespace popflow::auth;

void require(bool condition) {
  if (!condition) std::abort();
}

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool is_canonical(std::string_view text) {
  if (text.size() % 4 == 1) return false;
  for (char c : text)
    if (sextet(c) < 0) return false;
  if (text.empty()) return true;
  const int unused_bits = text.size() % 4 == 2 ? 4 : text.size() % 4 == 3 ? 2 : 0;
  return (sextet(text.back()) & ((1 << unused_bits) - 1)) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = base64url_decode(text);
  require(decoded.has_value() == is_canonical(text));
  if (decoded) {
    require(decoded->size() == text.size() * 3 / 4);
    require(base64url_encode(*decoded) == text);
  }
  const auto encoded = base64url_encode(text);
  const auto back = base64url_decode(encoded);
  require(back.has_value() && *back == text);
  return 0;
}
