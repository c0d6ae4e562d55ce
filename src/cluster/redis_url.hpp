#pragma once
// The --redis setting (CONTRACT "Several nodes"): redis://[user:password@]host[:port][/db].
// redis+sentinel://host:port[,host:port]/master is recognised and refused as unsupported until
// Sentinel lands (docs/cluster.md). The password is kept for AUTH and never printed:
// redacted() is the only form that may reach a log.
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/error.hpp"

namespace popflow::cluster {

struct RedisUrl {
  std::string host{};
  std::uint16_t port = 6379;
  int db = 0;
  std::string user{};      // empty: AUTH with the password alone (requirepass)
  std::string password{};  // empty: no AUTH

  // redis://host:port/db, with "***" standing for a password ("user:***@" or ":***@").
  std::string redacted() const;
};

// bad_url for anything that is not a complete redis:// URL; unsupported for redis+sentinel.
Result<RedisUrl> parse_redis_url(std::string_view text);

}  // namespace popflow::cluster
