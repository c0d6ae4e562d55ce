#include "http/listener.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>

#include "core/log.hpp"
#include "http/http_session.hpp"

namespace popflow::http {

namespace asio = boost::asio;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

Listener::Listener(Worker& worker, const asio::ip::tcp::endpoint& endpoint)
    : worker_(worker), acceptor_(worker.io()) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.set_option(ReusePort(true));
  acceptor_.bind(endpoint);
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
            std::make_shared<HttpSession>(std::move(socket), self->worker_)->start();
          }
        }
        self->accept();
      });
}

void Listener::refuse(asio::ip::tcp::socket socket) {
  static const std::string kBusy = [] {
    const std::string body = R"({"status":"error","code":"too_many_connections",)"
                             R"("message":"the server is at its connection limit; retry shortly"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  auto owned = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
  asio::async_write(*owned, asio::buffer(kBusy), [owned](boost::system::error_code, std::size_t) {
    boost::system::error_code ignored;
    owned->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  });
}

}  // namespace popflow::http
