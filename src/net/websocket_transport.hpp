#pragma once
// MQTT over WebSocket (MQTT 5.0 section 6): binary messages whose concatenated payloads are
// the MQTT byte stream; a message may hold part of a packet or several. Beast answers pings
// and close frames while a read is outstanding.
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/transport.hpp"

namespace popflow::net {

class WebSocketTransport : public Transport {
 public:
  using Stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  explicit WebSocketTransport(Stream stream);

  void read_some(boost::asio::mutable_buffer buffer, Handler handler) override;
  void write(boost::asio::const_buffer buffer, Handler handler) override;
  void close() override;
  std::string_view name() const override { return "websocket"; }

 private:
  Stream stream_;
};

}  // namespace popflow::net
