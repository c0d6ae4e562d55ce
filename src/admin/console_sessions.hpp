#pragma once
// Who is signed in to the admin console: the table behind the session cookie that
// POST /api/admin/session sets. A session holds only the user's name; the caller looks the
// user up (role, customer) on every request, so a role change or a removal takes effect
// at once, and calls revoke_user() when a user is removed or their password changes.
// Names are reused (`user remove` then `user add` from another process, which this table
// never hears of), so a session also holds which user of that name signed in: the
// credential_of() their password hash. A caller whose credential differs is not that user.
//
// The table keys sessions by a BLAKE2b hash of the id, never the id itself, so a memory
// dump, a core file or a debug print of the table holds no cookie anyone could replay.
// The CSRF token is kept as is: it is worth nothing without the cookie.
//
// Memory: at most max_sessions entries (~400 bytes each, 4 MB at the default); one more evicts
// the least recently used session. Lost on restart: everyone signs in again.
// Threads: shared by every worker; one mutex, held for a hash lookup per request.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace popflow::admin {

struct ConsoleSessionLimits {
  std::chrono::seconds idle = std::chrono::minutes(30);    // since the session was last used
  std::chrono::seconds absolute = std::chrono::hours(12);  // since sign-in, used or not
  std::size_t max_sessions = 10'000;
};

class ConsoleSessions {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConsoleSessions(ConsoleSessionLimits limits = {});
  const ConsoleSessionLimits& limits() const { return limits_; }

  struct Issued {
    std::string session_id;  // the cookie value: 32 random bytes, base64url (43 characters)
    std::string csrf_token;  // for X-CSRF-Token: 32 random bytes, base64url
  };
  // `customer`: the user's (nullopt for an operator); users never move between customers.
  Issued create(std::string user, Clock::time_point now, std::string credential = {},
                std::optional<std::string> customer = std::nullopt);

  // What a session holds of the password hash the user signed in with: a BLAKE2b digest,
  // so the table holds nothing to guess the password from. The hash's random salt makes
  // it differ for every `user add`, even of the same name and password.
  static std::string credential_of(std::string_view password_hash);

  struct Session {
    std::string user;
    std::string csrf_token;
    Clock::time_point created;
    Clock::time_point last_seen;          // before this find()
    std::string credential;               // credential_of() the user's password hash at sign-in
    std::optional<std::string> customer;  // for streams opened on the loop (the monitor)
  };
  // The session, if it exists and has not expired; marks it used at `now`. An expired
  // session is removed.
  std::optional<Session> find(std::string_view session_id, Clock::time_point now);
  // Whether it exists and has not expired, without marking it used: for what the console
  // holds open (the monitor's stream), which must not keep an unattended session alive.
  bool alive(std::string_view session_id, Clock::time_point now);

  bool revoke(std::string_view session_id);        // sign-out; false if there was none
  std::size_t revoke_user(std::string_view user);  // how many were ended; O(sessions)
  std::size_t size() const;

  // Constant time, so a wrong guess's timing tells nothing about the right token.
  static bool csrf_matches(const Session& session, std::string_view token);

  // What the table holds as keys, for tests that check no cookie value is among them.
  std::vector<std::string> keys_for_test() const;

 private:
  std::optional<Session> lookup(std::string_view session_id, Clock::time_point now, bool mark_used);

  struct Entry {
    Session session;
    std::list<std::string>::iterator recency;
  };
  static std::string key_of(std::string_view session_id);
  bool expired(const Session& session, Clock::time_point now) const;
  void erase(std::unordered_map<std::string, Entry>::iterator it);  // with mutex_ held

  ConsoleSessionLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;  // by key_of(session id)
  std::list<std::string> recency_;                   // keys, least recently used first
};

}  // namespace popflow::admin
