#pragma once
// The admin module's one door to libsodium's global state: every function here that
// needs randomness or hashing calls ensure_sodium() first, so no caller has to remember
// to initialise the library at start-up.
#include <cstddef>
#include <string>

namespace popflow::admin {

// sodium_init() once per process, thread-safe (a function-local static). Throws
// std::runtime_error if libsodium cannot start (no entropy source): a start-up failure.
void ensure_sodium();

// `bytes` random bytes from the system CSPRNG, as unpadded base64url (RFC 4648 section 5),
// so the result can go into a cookie or a header unescaped. 32 bytes give 43 characters.
std::string random_token(std::size_t bytes);

}  // namespace popflow::admin
