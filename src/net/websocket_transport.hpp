#pragma once
// MQTT over WebSocket (MQTT 5.0 section 6): binary messages whose concatenated payloads are
// the MQTT byte stream; a message may hold part of a packet or several. Beast answers pings
// and close frames while a read is outstanding. NextLayer is a plain socket or a TLS TCP
// stream (ws:// or wss://); both are instantiated in websocket_transport.cpp. The plain one
// is a bare socket rather than Beast's tcp_stream: the WebSocket stream keeps its own
// timeouts, and tcp_stream's wrapping of every read and write cost ~1.4k instructions a
// message (bench/callgrind.sh ... mqtt-ws).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/transport.hpp"

namespace popflow::net {

template <class NextLayer>
class WebSocketTransport : public Transport {
 public:
  using Stream = boost::beast::websocket::stream<NextLayer>;
  explicit WebSocketTransport(Stream stream);

  void read_some(boost::asio::mutable_buffer buffer, Handler handler) override;
  void write(boost::asio::const_buffer buffer, Handler handler) override;
  void close() override;
  std::string_view name() const override { return "websocket"; }

 private:
  Stream stream_;
};

using PlainWebSocket = WebSocketTransport<boost::asio::ip::tcp::socket>;
using SecureWebSocket = WebSocketTransport<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace popflow::net
