#include "store/location.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <climits>
#include <filesystem>
#include <stdexcept>

#include "store/secret.hpp"

namespace popflow::store {
namespace {

constexpr std::size_t kSecretBytes = 32;

// The URL as logs may show it: no password, neither in the authority nor as a parameter.
std::string without_password(const boost::urls::url_view& parsed) {
  boost::urls::url url(parsed);
  url.remove_password();
  for (auto it = url.params().begin(); it != url.params().end();) {
    if ((*it).key == "password")
      it = url.params().erase(it);
    else
      ++it;
  }
  if (url.params().empty()) url.remove_query();
  return std::string(url.buffer());
}

}  // namespace

StoreLocation StoreLocation::parse(const std::string& setting, const std::string& data_dir) {
  StoreLocation location;
  location.data_dir = data_dir;
  if (setting.empty() || setting == "sqlite") {
    location.redacted = location.sqlite_path();
    return location;
  }
  const auto parsed = boost::urls::parse_uri(setting);
  if (!parsed || (parsed->scheme() != "postgresql" && parsed->scheme() != "postgres"))
    throw std::invalid_argument(
        "store: use sqlite or a PostgreSQL URL like postgresql://user@host:5432/popflow");
  if (parsed->host().empty())
    throw std::invalid_argument("store: the PostgreSQL URL names no host: " +
                                without_password(*parsed));
  location.engine = Engine::postgresql;
  location.url = setting;
  location.redacted = without_password(*parsed);
  return location;
}

Database StoreLocation::open() const {
  if (engine == Engine::postgresql) return Database::postgresql(url, redacted);
  return Database(sqlite_path());
}

std::string signing_secret(const StoreLocation& location, Database& db) {
  if (location.engine == Engine::sqlite) return load_or_create_secret(location.data_dir);
  unsigned char bytes[kSecretBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw StoreError("no randomness for a secret");
  // The first insert wins; everyone, the first included, reads what won.
  db.prepare("INSERT INTO popflow_secret (secret) VALUES (?1) ON CONFLICT DO NOTHING")
      .bind_blob(1, std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes))
      .run();
  auto stored = db.prepare("SELECT secret FROM popflow_secret");
  if (!stored.step()) throw StoreError("the store has no signing secret");
  auto secret = stored.blob(0);
  if (secret.size() != kSecretBytes)
    throw StoreError("the store's signing secret is not " + std::to_string(kSecretBytes) +
                     " bytes");
  return secret;
}

std::string node_name(const std::string& data_dir) {
  char host[HOST_NAME_MAX + 1] = {};
  ::gethostname(host, sizeof host - 1);
  std::error_code ec;
  const auto dir = std::filesystem::weakly_canonical(data_dir, ec);
  return std::string(host) + ":" + (ec ? data_dir : dir.string());
}

}  // namespace popflow::store
