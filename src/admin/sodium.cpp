#include "admin/sodium.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace popflow::admin {

void ensure_sodium() {
  // 0: initialised now, 1: already initialised (by another library), -1: failure.
  static const int status = sodium_init();
  if (status < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), kVariant);
  text.resize(text.size() - 1);  // the encoded length counts the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  return text;
}

}  // namespace popflow::admin
