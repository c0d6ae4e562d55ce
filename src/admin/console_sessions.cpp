#include "admin/console_sessions.hpp"

#include <sodium.h>

#include <algorithm>

#include "admin/sodium.hpp"

namespace popflow::admin {
namespace {

constexpr std::size_t kTokenBytes = 32;
// A real id is 43 characters; anything much longer is not one and is not worth hashing.
constexpr std::size_t kMaxIdLength = 64;

}  // namespace

ConsoleSessions::ConsoleSessions(ConsoleSessionLimits limits) : limits_(limits) {
  limits_.max_sessions = std::max<std::size_t>(limits_.max_sessions, 1);
}

// An unkeyed, fast hash is enough: the id has 256 random bits, so there is nothing to
// brute-force from the hash, unlike a password.
std::string ConsoleSessions::key_of(std::string_view session_id) {
  ensure_sodium();
  std::string key(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(session_id.data()), session_id.size(),
                     nullptr, 0);
  return key;
}

bool ConsoleSessions::expired(const Session& session, Clock::time_point now) const {
  return now - session.last_seen >= limits_.idle || now - session.created >= limits_.absolute;
}

void ConsoleSessions::erase(std::unordered_map<std::string, Entry>::iterator it) {
  recency_.erase(it->second.recency);
  sessions_.erase(it);
}

std::string ConsoleSessions::credential_of(std::string_view password_hash) {
  return key_of(password_hash);
}

ConsoleSessions::Issued ConsoleSessions::create(std::string user, Clock::time_point now,
                                                std::string credential,
                                                std::optional<std::string> customer) {
  Issued issued{random_token(kTokenBytes), random_token(kTokenBytes)};
  auto key = key_of(issued.session_id);
  std::lock_guard lock(mutex_);
  // Idle ones leave from the front; beyond that, the least recently used gives way.
  while (!sessions_.empty()) {
    auto oldest = sessions_.find(recency_.front());
    if (sessions_.size() < limits_.max_sessions && !expired(oldest->second.session, now)) break;
    erase(oldest);
  }
  recency_.push_back(key);
  sessions_.emplace(std::move(key), Entry{Session{std::move(user), issued.csrf_token, now, now,
                                                  std::move(credential), std::move(customer)},
                                          std::prev(recency_.end())});
  return issued;
}

std::optional<ConsoleSessions::Session> ConsoleSessions::find(std::string_view session_id,
                                                              Clock::time_point now) {
  return lookup(session_id, now, true);
}

bool ConsoleSessions::alive(std::string_view session_id, Clock::time_point now) {
  return lookup(session_id, now, false).has_value();
}

std::optional<ConsoleSessions::Session> ConsoleSessions::lookup(std::string_view session_id,
                                                                Clock::time_point now,
                                                                bool mark_used) {
  if (session_id.empty() || session_id.size() > kMaxIdLength) return std::nullopt;
  const auto key = key_of(session_id);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second.session, now)) {
    erase(it);
    return std::nullopt;
  }
  Session found = it->second.session;
  if (mark_used) {
    it->second.session.last_seen = now;
    recency_.splice(recency_.end(), recency_, it->second.recency);
  }
  return found;
}

bool ConsoleSessions::revoke(std::string_view session_id) {
  if (session_id.size() > kMaxIdLength) return false;
  const auto key = key_of(session_id);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return false;
  erase(it);
  return true;
}

std::size_t ConsoleSessions::revoke_user(std::string_view user) {
  std::lock_guard lock(mutex_);
  std::size_t ended = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (it->second.session.user == user) {
      erase(it);
      ++ended;
    }
    it = next;
  }
  return ended;
}

std::size_t ConsoleSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool ConsoleSessions::csrf_matches(const Session& session, std::string_view token) {
  // The length is not secret (every token is 43 characters); only the bytes are compared
  // in constant time.
  if (token.size() != session.csrf_token.size() || token.empty()) return false;
  ensure_sodium();
  return sodium_memcmp(token.data(), session.csrf_token.data(), token.size()) == 0;
}

std::vector<std::string> ConsoleSessions::keys_for_test() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, entry] : sessions_) keys.push_back(key);
  return keys;
}

}  // namespace popflow::admin
