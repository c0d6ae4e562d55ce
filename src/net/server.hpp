#pragma once
// The event loops: one Worker (event loop + thread) per configured thread, each with its
// own Listener on every port (HTTP, MQTT, and with TLS configured HTTPS and mqtts).
//
// Shutdown is in two steps so in-flight requests finish: begin_shutdown() stops
// accepting and asks every connection to close after its current request; each worker's
// thread ends when its loop runs out of work. stop() cuts whatever is left.
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/listener.hpp"
#include "net/worker.hpp"

namespace popflow::net {

class Server {
 public:
  Server(ServerState& state, unsigned threads);
  ~Server();

  // Binds a listener on every worker; returns the bound endpoint (port 0 picks one).
  // Call before run(); one call per protocol port. Throws std::runtime_error with a one-line
  // reason naming the address when it is taken, by another process or by an earlier call.
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                        const AcceptHandler& on_accept, std::string_view refusal);
  void run();  // starts one thread per worker
  void begin_shutdown();
  Worker& worker(std::size_t index) { return *workers_[index]; }
  std::size_t size() const { return workers_.size(); }
  bool finished() const;  // every worker thread has returned
  // An event loop died (see run()): the process must not go on half-dead.
  bool failed() const { return failed_.load(); }
  void stop();
  void join();

 private:
  // A socket listening on `endpoint` that is neither in `group` nor ours: the reason to stop.
  std::optional<std::string> other_listener(
      const boost::asio::ip::tcp::endpoint& endpoint,
      const std::vector<std::shared_ptr<Listener>>& group) const;
  std::string in_use_reason(const boost::asio::ip::tcp::endpoint& endpoint,
                            const std::vector<std::shared_ptr<Listener>>& group,
                            const boost::system::error_code& error) const;

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::pair<unsigned, std::shared_ptr<Listener>>> listeners_;  // worker index
  std::vector<std::jthread> threads_;
  std::atomic<unsigned> running_{0};
  std::atomic<bool> failed_{false};
};

}  // namespace popflow::net
