#include "cluster/redis_url.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

namespace popflow::cluster {
namespace {

template <class Int>
bool parse_number(std::string_view text, Int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string RedisUrl::redacted() const {
  std::string out = "redis://";
  if (!user.empty() || !password.empty()) out += user + (password.empty() ? "@" : ":***@");
  const bool ipv6 = host.find(':') != std::string::npos;
  out += ipv6 ? "[" + host + "]" : host;
  out += ":" + std::to_string(port) + "/" + std::to_string(db);
  return out;
}

Result<RedisUrl> parse_redis_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return Error::bad_url;
  const auto scheme = parsed->scheme();
  if (scheme == "redis+sentinel") return Error::unsupported;
  if (scheme != "redis") return Error::bad_url;
  if (!parsed->has_authority() || parsed->host().empty() || parsed->has_query() ||
      parsed->has_fragment())
    return Error::bad_url;

  RedisUrl url;
  // host_address() is the text without the brackets of an IPv6 literal.
  url.host = parsed->host_address();
  if (parsed->has_port() && !parse_number(parsed->port(), url.port)) return Error::bad_url;
  if (parsed->has_port() && url.port == 0) return Error::bad_url;
  if (parsed->has_userinfo()) {
    url.user = parsed->user();
    url.password = parsed->password();
  }
  auto path = std::string_view(parsed->encoded_path());
  if (!path.empty() && path != "/") {
    path.remove_prefix(1);
    if (!parse_number(path, url.db) || url.db < 0) return Error::bad_url;
  }
  return url;
}

}  // namespace popflow::cluster
