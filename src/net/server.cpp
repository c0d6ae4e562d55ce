#include "net/server.hpp"

#include <boost/asio/post.hpp>

#include "core/log.hpp"
#include "net/listening_sockets.hpp"

namespace popflow::net {
namespace {

std::string endpoint_text(const boost::asio::ip::address& address, std::uint16_t port) {
  const auto host = address.to_string();
  return (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Server::Server(ServerState& state, unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(i, state));
}

Server::~Server() {
  stop();
  join();
}

// Why not a single shared listening socket, or a probe bind without SO_REUSEPORT: one socket
// polled by every loop wakes them all for each connection and gives up the kernel's spread
// of connections over loops, and a probe leaves a gap between its close() and the real
// bind() that another process can take. Instead every listener of the port is bound first
// (bound but not listening, it takes no connections and is not in the port's SO_REUSEPORT
// group), then the kernel's listening-socket table is checked for a socket that is not ours
// on an overlapping address: a running server found there means we stop before taking a
// single connection. The check is repeated once ours listen, for two servers starting at
// the same moment: whichever listens last sees the other and stops (at worst both do),
// so two never serve one port (the loser may have reset the few connections the kernel gave
// it in the meantime). The kernel itself refuses the bind when the holder did not
// set SO_REUSEPORT or runs as another user (EADDRINUSE). Port 0 binds a port nobody holds.
boost::asio::ip::tcp::endpoint Server::listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                              const AcceptHandler& on_accept,
                                              std::string_view refusal) {
  std::vector<std::shared_ptr<Listener>> group;
  auto bound = endpoint;
  for (auto& worker : workers_) {
    // The first listener resolves port 0; the others join it on the same port.
    try {
      group.push_back(std::make_shared<Listener>(*worker, bound, on_accept, refusal));
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(in_use_reason(bound, group, e.code()));
    }
    bound = group.back()->local_endpoint();
  }
  if (auto other = other_listener(bound, group)) throw std::runtime_error(*other);
  for (auto& listener : group) {
    try {
      listener->listen();
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(in_use_reason(bound, group, e.code()));
    }
  }
  if (auto other = other_listener(bound, group)) throw std::runtime_error(*other);
  for (auto& listener : group) listeners_.emplace_back(listener->worker_index(), listener);
  return bound;
}

std::optional<std::string> Server::other_listener(
    const boost::asio::ip::tcp::endpoint& endpoint,
    const std::vector<std::shared_ptr<Listener>>& group) const {
  const auto sockets = listening_sockets();
  if (!sockets) {
    log::warn("cannot read /proc/net/tcp: not checking whether another process shares the port",
              {{"address", endpoint_text(endpoint.address(), endpoint.port())}});
    return std::nullopt;
  }
  const auto ours = [&](std::uint64_t inode) {
    for (const auto& listener : group)
      if (listener->inode() == inode) return true;
    return false;
  };
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  for (const auto& socket : *sockets) {
    if (socket.port != endpoint.port() || !addresses_overlap(socket.address, address) ||
        ours(socket.inode))
      continue;
    const auto where = endpoint_text(socket.address, socket.port);
    for (const auto& [index, listener] : listeners_)
      if (listener->inode() == socket.inode)
        return "cannot listen on " + endpoint_text(address, endpoint.port()) +
               ": this server already listens on " + where + " for another setting";
    const auto pid = socket_owner_pid(socket.inode);
    return "cannot listen on " + endpoint_text(address, endpoint.port()) +
           ": address already in use by " +
           (pid ? "PID " + std::to_string(*pid) : std::string("another process")) + " on " + where;
  }
  return std::nullopt;
}

std::string Server::in_use_reason(const boost::asio::ip::tcp::endpoint& endpoint,
                                  const std::vector<std::shared_ptr<Listener>>& group,
                                  const boost::system::error_code& error) const {
  if (error == boost::asio::error::address_in_use)
    if (auto other = other_listener(endpoint, group)) return *other;
  return "cannot listen on " + endpoint_text(endpoint.address(), endpoint.port()) + ": " +
         error.message();
}

void Server::run() {
  for (auto& [index, listener] : listeners_) listener->start();
  for (auto& worker : workers_) worker->start_timers();
  running_ = static_cast<unsigned>(workers_.size());
  for (auto& worker : workers_) {
    threads_.emplace_back([this, &worker = *worker] {
      // A handler that throws unwinds through run(): the references it held go with the
      // stack, so its connection closes, and the loop runs on (an io_context that was not
      // stopped needs no restart). Connections catch what they can themselves, with their
      // request id or client id; this is the net under them. Anything that is not a
      // std::exception leaves the loop in an unknown state: it ends, and failed() says so.
      for (;;) {
        try {
          worker.io().run();
          break;
        } catch (const std::exception& e) {
          worker.state().metrics.count_handler_failure(FailureSite::loop);
          log::error("handler failed; its connection is closed, the event loop goes on",
                     {{"worker", worker.index()}, {"error", e.what()}});
        } catch (...) {
          failed_ = true;
          worker.state().ready = false;  // /readyz says so at once; serve() shuts down
          log::error("event loop died", {{"worker", worker.index()}});
          break;
        }
      }
      running_.fetch_sub(1);
    });
  }
}

void Server::begin_shutdown() {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    boost::asio::post(workers_[i]->io(), [this, i] {
      for (auto& [index, listener] : listeners_)
        if (index == i) listener->stop();
      workers_[i]->stop_timers();
      workers_[i]->drain_all();
    });
  }
}

bool Server::finished() const {
  return running_.load() == 0;
}

void Server::stop() {
  for (auto& worker : workers_) worker->io().stop();
}

void Server::join() {
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

}  // namespace popflow::net
