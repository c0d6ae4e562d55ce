#pragma once
// A real redis-server for the cluster tests: started on a free loopback port in its own temp
// dir (no persistence), killed with SIGKILL, restarted on the same port. No system service is
// ever used. The blocking waits here run on the test's thread, never inside an event loop.
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "cluster/redis_url.hpp"

namespace popflow::cluster::testing {

class RedisServer {
 public:
  RedisServer();  // started, answering PING
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  RedisUrl url() const { return RedisUrl{.host = "127.0.0.1", .port = port_}; }

  void kill();     // SIGKILL, waited for
  void pause();    // SIGSTOP: connections are accepted by the kernel, never answered
  void resume();   // SIGCONT
  void restart();  // again on the same port (after kill())

 private:
  bool spawn();  // false when it exited at once (the port was taken meanwhile)

  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// Runs the loop until `done` holds, for at most `limit` (generous: the tests wait for a
// condition, they never assert on time). Returns whether it held.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::seconds limit = std::chrono::seconds(30));

}  // namespace popflow::cluster::testing
