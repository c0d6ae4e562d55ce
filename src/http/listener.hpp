#pragma once
// Accepts connections for one worker. Every worker has its own acceptor on the same
// port (SO_REUSEPORT), so the kernel spreads new connections across event loops and no
// accepted socket ever changes thread.
//
// Over Config::max_connections, a new connection gets a 503 and is closed at once.
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "http/worker.hpp"

namespace popflow::http {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds now (throws on failure: start-up only).
  Listener(Worker& worker, const boost::asio::ip::tcp::endpoint& endpoint);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start() { accept(); }
  void stop();  // on the worker's thread

 private:
  void accept();
  void refuse(boost::asio::ip::tcp::socket socket);

  Worker& worker_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace popflow::http
