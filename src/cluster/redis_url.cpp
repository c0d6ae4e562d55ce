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

std::string endpoint_text(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// One host[:port] of a Sentinel list, read as a redis:// authority would be.
bool parse_endpoint(std::string_view text, RedisEndpoint& out) {
  const auto whole = "redis://" + std::string(text);  // the view below points into it
  auto parsed = boost::urls::parse_absolute_uri(whole);
  if (!parsed || parsed->host().empty() || parsed->has_userinfo() ||
      !parsed->encoded_path().empty())
    return false;
  out.host = parsed->host_address();
  out.port = 26379;  // Sentinel's own
  return !parsed->has_port() || (parse_number(parsed->port(), out.port) && out.port != 0);
}

// redis+sentinel://[user:password@]host:port[,host:port]/master[/db]: a list of hosts is no
// URL authority, so the parts are taken apart here and each read as a redis:// one.
Result<RedisUrl> parse_sentinel_url(std::string_view text) {
  text.remove_prefix(std::string_view("redis+sentinel://").size());
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return Error::bad_url;
  auto authority = text.substr(0, slash);
  auto path = text.substr(slash + 1);
  RedisUrl url;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto whole = "redis://" + std::string(authority.substr(0, at)) + "@h";
    auto userinfo = boost::urls::parse_absolute_uri(whole);
    if (!userinfo) return Error::bad_url;
    url.user = userinfo->user();
    url.password = userinfo->password();
    authority.remove_prefix(at + 1);
  }
  for (std::size_t start = 0;;) {  // an empty part ("a,,b", "a,") is no Sentinel
    const auto comma = authority.find(',', start);
    const auto part = comma == std::string_view::npos ? authority.substr(start)
                                                      : authority.substr(start, comma - start);
    RedisEndpoint sentinel;
    if (!parse_endpoint(part, sentinel)) return Error::bad_url;
    url.sentinels.push_back(std::move(sentinel));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  const auto db_slash = path.find('/');
  url.master = std::string(path.substr(0, db_slash));
  if (url.sentinels.empty() || url.master.empty() ||
      url.master.find_first_of("?#@, ") != std::string::npos)
    return Error::bad_url;
  if (db_slash != std::string_view::npos) {
    const auto db = path.substr(db_slash + 1);
    if (!db.empty() && (!parse_number(db, url.db) || url.db < 0)) return Error::bad_url;
  }
  url.host.clear();
  url.port = 0;
  return url;
}

}  // namespace

std::string RedisUrl::redacted() const {
  std::string out = sentinels.empty() ? "redis://" : "redis+sentinel://";
  if (!user.empty() || !password.empty()) out += user + (password.empty() ? "@" : ":***@");
  if (sentinels.empty()) return out + endpoint_text(host, port) + "/" + std::to_string(db);
  for (std::size_t i = 0; i < sentinels.size(); ++i)
    out += (i ? "," : "") + endpoint_text(sentinels[i].host, sentinels[i].port);
  return out + "/" + master + "/" + std::to_string(db);
}

Result<RedisUrl> parse_redis_url(std::string_view text) {
  if (text.starts_with("redis+sentinel://")) return parse_sentinel_url(text);
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return Error::bad_url;
  if (parsed->scheme() != "redis") return Error::bad_url;
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
