#pragma once
// The --redis setting (CONTRACT "Several nodes"): redis://[user:password@]host[:port][/db], or
// redis+sentinel://[user:password@]host:port[,host:port]/master[/db]: the Sentinels to ask
// where the master named `master` is (the user and password are the master's). The password
// is kept for AUTH and never printed: redacted() is the only form that may reach a log.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/error.hpp"

namespace popflow::cluster {

struct RedisEndpoint {
  std::string host{};
  std::uint16_t port = 0;
};

struct RedisUrl {
  std::string host{};  // redis://; with Sentinels, found at each connect
  std::uint16_t port = 6379;
  int db = 0;
  std::string user{};                      // empty: AUTH with the password alone (requirepass)
  std::string password{};                  // empty: no AUTH
  std::vector<RedisEndpoint> sentinels{};  // redis+sentinel://: asked in turn
  std::string master{};                    // the name the Sentinels know the master by

  // The URL with "***" standing for a password ("user:***@" or ":***@").
  std::string redacted() const;
};

// bad_url for anything that is not a complete redis:// or redis+sentinel:// URL.
Result<RedisUrl> parse_redis_url(std::string_view text);

}  // namespace popflow::cluster
