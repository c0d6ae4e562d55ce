#pragma once
// Accepts connections for one worker. Every worker has its own acceptor on the same
// port (SO_REUSEPORT), so the kernel spreads new connections across event loops and no
// accepted socket ever changes thread. SO_REUSEPORT would also let another process of the
// same user join the port: Server::listen checks for that between bind() and listen().
//
// Over Config::max_connections, a new connection is refused at once: `refusal` (e.g. an
// HTTP 503) is written to it and it is closed.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "net/worker.hpp"

namespace popflow::net {

// Takes an accepted socket and starts the protocol's session on it (on the worker's thread).
using AcceptHandler = std::function<void(boost::asio::ip::tcp::socket, Worker&)>;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds now (throws boost::system::system_error on failure: start-up only). The socket
  // takes no connections until listen().
  Listener(Worker& worker, const boost::asio::ip::tcp::endpoint& endpoint, AcceptHandler on_accept,
           std::string_view refusal);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  std::uint64_t inode() const { return inode_; }  // as /proc/net/tcp lists the socket
  void listen();  // joins the port's SO_REUSEPORT group (throws on failure)
  unsigned worker_index() const { return worker_.index(); }
  void start() { accept(); }
  void stop();  // on the worker's thread

 private:
  void accept();
  void refuse(boost::asio::ip::tcp::socket socket);

  Worker& worker_;
  boost::asio::ip::tcp::acceptor acceptor_;
  AcceptHandler on_accept_;
  std::string_view refusal_;
  std::uint64_t inode_ = 0;
};

}  // namespace popflow::net
