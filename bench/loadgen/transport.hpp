#pragma once
// A byte stream a subscriber talks over: plain TCP (MQTT, SSE) or a WebSocket (MQTT over
// WebSocket, nchan). Subscribers are written once against this and run over either.
// All calls come from the one thread running the connection's io_context.
#include <boost/asio.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace bench {

namespace asio = boost::asio;
using asio::awaitable;

struct Endpoint {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string path;         // WebSocket upgrade target
  std::string subprotocol;  // WebSocket subprotocol, e.g. "mqtt"
  std::string source;       // local address to bind (spreads ports over 127.0.0.x); "" = any
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Throws boost::system::system_error on failure (tooling: the caller counts and gives up).
  virtual awaitable<void> connect(const Endpoint& ep) = 0;
  // The bytes that arrived; valid until the next read. WebSocket: one whole frame.
  virtual awaitable<std::string_view> read() = 0;
  // At most one write at a time (callers queue); may overlap one read.
  virtual awaitable<void> write(std::string_view data) = 0;
  virtual void close() = 0;
};

std::unique_ptr<Transport> make_tcp_transport(asio::any_io_executor ex);
std::unique_ptr<Transport> make_ws_transport(asio::any_io_executor ex, bool binary);

// Connects a TCP socket (with TCP_NODELAY, bound to ep.source if set).
awaitable<void> connect_socket(asio::ip::tcp::socket& s, const Endpoint& ep);

}  // namespace bench
