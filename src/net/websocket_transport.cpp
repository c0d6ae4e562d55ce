#include "net/websocket_transport.hpp"

namespace popflow::net {

WebSocketTransport::WebSocketTransport(Stream stream) : stream_(std::move(stream)) {
  stream_.binary(true);
}

void WebSocketTransport::read_some(boost::asio::mutable_buffer buffer, Handler handler) {
  stream_.async_read_some(buffer, std::move(handler));
}

void WebSocketTransport::write(boost::asio::const_buffer buffer, Handler handler) {
  stream_.async_write(buffer, std::move(handler));
}

void WebSocketTransport::close() {
  // No closing handshake: the MQTT DISCONNECT (if any) has been sent; cut the TCP stream.
  boost::beast::get_lowest_layer(stream_).close();
}

}  // namespace popflow::net
