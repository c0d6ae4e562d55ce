#include "net/listener.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>

#include "core/log.hpp"
#include "net/listening_sockets.hpp"

namespace popflow::net {

namespace asio = boost::asio;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

Listener::Listener(Worker& worker, const asio::ip::tcp::endpoint& endpoint, AcceptHandler on_accept,
                   std::string_view refusal)
    : worker_(worker), acceptor_(worker.io()), on_accept_(std::move(on_accept)), refusal_(refusal) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.set_option(ReusePort(true));
  acceptor_.bind(endpoint);
  inode_ = socket_inode(acceptor_.native_handle());
}

void Listener::listen() {
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
        if (ec) {
          // EMFILE and friends: log, and keep accepting once descriptors free up.
          log::warn("accept failed", {{"error", ec.message()}});
        } else {
          auto& state = self->worker_.state();
          if (state.connections.fetch_add(1, std::memory_order_relaxed) >=
              state.config.max_connections) {
            state.connections.fetch_sub(1, std::memory_order_relaxed);
            self->refuse(std::move(socket));
          } else {
            self->on_accept_(std::move(socket), self->worker_);
          }
        }
        self->accept();
      });
}

void Listener::refuse(asio::ip::tcp::socket socket) {
  auto owned = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
  asio::async_write(*owned, asio::buffer(refusal_),
                    [owned](boost::system::error_code, std::size_t) {
                      boost::system::error_code ignored;
                      owned->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                    });
}

}  // namespace popflow::net
