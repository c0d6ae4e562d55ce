#pragma once
// Slows password guessing at the console's sign-in. Failures are counted per user name and,
// separately, per client address. After free_failures of them, that name or address must
// wait first_delay before its next attempt, then twice as long after each further failure,
// up to max_delay; a success clears the name's count, and a count is forgotten `window`
// after its last failure. Names that do not exist are counted like real ones, so the
// throttle does not tell which names exist.
//
// Trade-off: the per-name count is what stops guessing spread over many addresses, and it
// is also what lets anyone hold a real user out, by failing once every max_delay. So a name
// never locks an address from which that user has signed in before (a "known address",
// remembered after each success): the user gets in from their usual place while the lock
// holds everywhere else. The per-address count still applies there, and a success does not
// clear it, or a guesser with one account of their own could reset it between guesses.
//
// Memory: users, addresses and known addresses are three tables of at most max_keys each,
// the least recently updated evicted first. A flood of names from one address is slowed by
// that address's count, so evicting real entries takes many addresses. Callers should pass
// an IPv6 client's /64 prefix as its address, or each host could use billions.
// Threads: shared by every worker; one mutex, held for a few hash lookups per sign-in.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace popflow::admin {

struct LoginThrottleLimits {
  std::size_t free_failures = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay = std::chrono::minutes(15);
  std::chrono::seconds window = std::chrono::hours(1);  // at least max_delay
  std::size_t max_keys = 10'000;                        // per table
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(LoginThrottleLimits limits = {});

  // Before verifying a password: nullopt to go ahead, or how long the caller must wait
  // (rounded up, for Retry-After). A refused attempt is not a failure: do not report it.
  std::optional<std::chrono::seconds> check(std::string_view user, std::string_view address,
                                            Clock::time_point now);
  void failed(std::string_view user, std::string_view address, Clock::time_point now);
  void succeeded(std::string_view user, std::string_view address);

  std::size_t tracked() const;  // entries in all three tables, for tests of the bound

 private:
  struct Failures {
    std::size_t count = 0;
    Clock::time_point last;
  };
  // A map with a recency list, so the least recently updated entry can be evicted.
  template <class Value>
  struct Table {
    std::unordered_map<std::string, std::pair<Value, std::list<std::string>::iterator>> entries;
    std::list<std::string> order;  // least recently updated first
  };
  template <class Value>
  Value& update(Table<Value>& table, std::string key);  // creates or touches; may evict
  template <class Value>
  void forget(Table<Value>& table, const std::string& key);
  // What is left of a lock, forgetting a count whose window has passed; with mutex_ held.
  Clock::duration locked_for(Table<Failures>& table, const std::string& key, Clock::time_point now);

  LoginThrottleLimits limits_;
  mutable std::mutex mutex_;
  Table<Failures> users_;
  Table<Failures> addresses_;
  Table<bool> known_;  // keyed by user name, NUL, address
};

}  // namespace popflow::admin
