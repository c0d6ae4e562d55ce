#include "transport.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace bench {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::use_awaitable;
using asio::ip::tcp;

awaitable<void> connect_socket(tcp::socket& s, const Endpoint& ep) {
  tcp::endpoint remote(asio::ip::make_address(ep.host), ep.port);
  s.open(remote.protocol());
  if (!ep.source.empty()) s.bind(tcp::endpoint(asio::ip::make_address(ep.source), 0));
  co_await s.async_connect(remote, use_awaitable);
  // Latency is the point of the exercise: never let Nagle hold back a small packet.
  s.set_option(tcp::no_delay(true));
}

namespace {

class TcpTransport : public Transport {
 public:
  explicit TcpTransport(asio::any_io_executor ex) : socket_(ex) {}

  awaitable<void> connect(const Endpoint& ep) override { co_await connect_socket(socket_, ep); }

  awaitable<std::string_view> read() override {
    std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), use_awaitable);
    co_return std::string_view(buffer_.data(), n);
  }

  awaitable<void> write(std::string_view data) override {
    co_await asio::async_write(socket_, asio::buffer(data), use_awaitable);
  }

  void close() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  std::array<char, 16384> buffer_;
};

class WsTransport : public Transport {
 public:
  WsTransport(asio::any_io_executor ex, bool binary) : ws_(ex), binary_(binary) {}

  awaitable<void> connect(const Endpoint& ep) override {
    co_await connect_socket(ws_.next_layer(), ep);
    if (!ep.subprotocol.empty()) {
      ws_.set_option(
          websocket::stream_base::decorator([proto = ep.subprotocol](websocket::request_type& req) {
            req.set(beast::http::field::sec_websocket_protocol, proto);
          }));
    }
    co_await ws_.async_handshake(ep.host + ":" + std::to_string(ep.port), ep.path, use_awaitable);
    ws_.binary(binary_);
  }

  awaitable<std::string_view> read() override {
    buffer_.consume(buffer_.size());
    co_await ws_.async_read(buffer_, use_awaitable);
    auto data = buffer_.cdata();
    co_return std::string_view(static_cast<const char*>(data.data()), data.size());
  }

  awaitable<void> write(std::string_view data) override {
    co_await ws_.async_write(asio::buffer(data), use_awaitable);
  }

  void close() override {
    boost::system::error_code ignored;
    ws_.next_layer().close(ignored);
  }

 private:
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  bool binary_;
};

}  // namespace

std::unique_ptr<Transport> make_tcp_transport(asio::any_io_executor ex) {
  return std::make_unique<TcpTransport>(ex);
}

std::unique_ptr<Transport> make_ws_transport(asio::any_io_executor ex, bool binary) {
  return std::make_unique<WsTransport>(ex, binary);
}

}  // namespace bench
