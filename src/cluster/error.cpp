#include "cluster/error.hpp"

#include <string>

namespace popflow::cluster {
namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::not_connected:
      return "not connected to Redis";
    case Error::connection_lost:
      return "the connection to Redis was lost before the reply";
    case Error::closed:
      return "the Redis client was closed";
    case Error::protocol:
      return "Redis sent bytes that are not RESP";
    case Error::auth_failed:
      return "Redis refused AUTH or SELECT";
    case Error::bad_url:
      return "not a Redis URL (redis://[user:password@]host:port[/db] or "
             "redis+sentinel://[user:password@]host:port[,host:port]/master[/db])";
    case Error::timeout:
      return "Redis did not answer in time";
    case Error::no_master:
      return "the Sentinel knows no master by this name";
    case Error::not_master:
      return "the Redis server is a replica, not the master";
  }
  return "unknown cluster error";
}

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "popflow.cluster"; }
  std::string message(int value) const override { return describe(static_cast<Error>(value)); }
};

}  // namespace

const boost::system::error_category& error_category() {
  static const Category category;
  return category;
}

boost::system::error_code make_error_code(Error e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace popflow::cluster
