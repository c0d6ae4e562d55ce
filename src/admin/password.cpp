#include "admin/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <new>
#include <vector>

#include "admin/sodium.hpp"

namespace popflow::admin {
namespace {

constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// No 0/O/o, 1/l/I/i: a password read off a screen or over the phone is typed right.
constexpr std::string_view kAlphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr int kGeneratedCharacters = 20;
constexpr int kGroup = 5;

// libsodium wants a NUL-terminated hash; anything as long as its buffer is not one of its.
std::optional<std::string> terminated(std::string_view hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return std::nullopt;
  return std::string(hash);
}

// The password's characters as UTF-8 sequences (a JSON parser has checked the encoding;
// a stray byte would count as a character of its own).
std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      out.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

// "aaaaaaaaaaaa", "abababababab", "abcabcabcabc".
bool repeats_short_piece(const std::vector<std::string_view>& chars) {
  for (std::size_t period = 1; period <= 3; ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < chars.size() && repeats; ++i)
      repeats = chars[i] == chars[i - period];
    if (repeats) return true;
  }
  return false;
}

// +1 or -1 when b follows a by one step up or down ('9' then '0' counts as up), else 0.
int step(char a, char b) {
  int diff = b - a;
  if (std::isdigit(static_cast<unsigned char>(a)) && std::isdigit(static_cast<unsigned char>(b))) {
    if (diff == -9) diff = 1;
    if (diff == 9) diff = -1;
  }
  return diff == 1 || diff == -1 ? diff : 0;
}

// "abcdefghijkl", "123456789012", "zyxwvutsrqpo": each character one step from the last.
bool is_straight_run(std::string_view text) {
  const int direction = step(text[0], text[1]);
  if (direction == 0) return false;
  for (std::size_t i = 2; i < text.size(); ++i)
    if (step(text[i - 1], text[i]) != direction) return false;
  return true;
}

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  return std::search(text.begin(), text.end(), part.begin(), part.end(), same) != text.end();
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  // The only failure libsodium reports for these limits is the memory allocation.
  if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0)
    throw std::bad_alloc();
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (password.size() > kMaxPasswordBytes) return false;
  const auto stored = terminated(hash);
  if (!stored) return false;
  return crypto_pwhash_str_verify(stored->c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash) {
  ensure_sodium();
  const auto stored = terminated(hash);
  // 1: other parameters, -1: not an Argon2id hash at all; either way, not today's.
  return !stored || crypto_pwhash_str_needs_rehash(stored->c_str(), kOpsLimit, kMemLimit) != 0;
}

void verify_dummy(std::string_view password) {
  // Made once, with today's parameters, so a dummy verification costs what a real one does;
  // its password is random and forgotten, so nothing ever matches it.
  static const std::string dummy = hash_password(random_token(32));
  (void)verify_password(dummy, password);
}

std::string generate_password() {
  ensure_sodium();
  std::string out;
  for (int i = 0; i < kGeneratedCharacters; ++i) {
    if (i > 0 && i % kGroup == 0) out += '-';
    // randombytes_uniform has no modulo bias.
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view user_name) {
  if (password.size() > kMaxPasswordBytes)
    return "a password may be at most " + std::to_string(kMaxPasswordBytes) + " bytes long";
  const auto chars = characters(password);
  if (chars.size() < kMinPasswordCharacters)
    return "a password needs at least " + std::to_string(kMinPasswordCharacters) + " characters";
  if (repeats_short_piece(chars))
    return "a password may not be one short piece repeated (like aaaa… or abab…)";
  if (is_straight_run(password))
    return "a password may not be a straight run of characters (like abcd… or 1234…)";
  // Short names ("al", "ops") would refuse too many good passwords that merely contain them.
  if (user_name.size() >= 4 && contains_ignoring_case(password, user_name))
    return "a password may not contain the user name";
  return std::nullopt;
}

}  // namespace popflow::admin
