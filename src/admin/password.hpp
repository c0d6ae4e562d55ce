#pragma once
// Console users' passwords: Argon2id hashes (libsodium's crypto_pwhash_str) in the form
// store::User::password_hash keeps, and the rules a new password must meet.
//
// Cost: OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE is 2 passes over 64 MiB. One hash or
// one verification took 47-56 ms of one core and 64 MiB of memory while it ran, measured on
// the 2-core development machine with libsodium 1.0.18. That is what makes an offline guess
// at a stolen hash dear; it also means every sign-in pays it, so run hash/verify off the
// event-loop threads and bound how many run at once (each holds 64 MiB). The login
// throttle keeps online guessing from adding to it.
//
// Threads: every function may be called from any thread.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace popflow::admin {

inline constexpr std::size_t kMinPasswordCharacters = 12;  // code points, not bytes
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>", with a fresh random salt, so two hashes
// of one password differ. Throws std::bad_alloc if the 64 MiB cannot be had.
std::string hash_password(std::string_view password);

// false for a wrong password, a password over kMaxPasswordBytes, or a hash that is not one
// of ours (empty, truncated, another algorithm). Costs as much as hash_password.
bool verify_password(std::string_view hash, std::string_view password);

// Does the hash use other parameters than hash_password does today? Ask after a successful
// verify_password and, if so, store hash_password(password) in its place.
bool needs_rehash(std::string_view hash);

// Burns the time of a verify_password that fails. Call it when the user name is unknown:
// an answer that came back 50 ms sooner would tell an attacker which names exist.
void verify_dummy(std::string_view password);

// 20 random characters from an alphabet without look-alikes (no 0/O, 1/l/I), in groups of
// five: "k7mQz-Rb4Xw-9hTcP-eN3sJ" (about 115 bits). For `user add` without a password.
std::string generate_password();

// Why this password may not be set, in one line for the user, or nullopt when it may.
// NIST SP 800-63B: length limits and an obvious-pattern check, no composition rules (no
// "one digit, one symbol"). `user_name`, when given, may not be part of the password.
std::optional<std::string> password_problem(std::string_view password,
                                            std::string_view user_name = {});

}  // namespace popflow::admin
