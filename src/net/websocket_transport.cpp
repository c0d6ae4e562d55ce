#include "net/websocket_transport.hpp"

namespace popflow::net {

template <class NextLayer>
WebSocketTransport<NextLayer>::WebSocketTransport(Stream stream) : stream_(std::move(stream)) {
  stream_.binary(true);
}

template <class NextLayer>
void WebSocketTransport<NextLayer>::read_some(boost::asio::mutable_buffer buffer, Handler handler) {
  stream_.async_read_some(buffer, std::move(handler));
}

template <class NextLayer>
void WebSocketTransport<NextLayer>::write(boost::asio::const_buffer buffer, Handler handler) {
  stream_.async_write(buffer, std::move(handler));
}

template <class NextLayer>
void WebSocketTransport<NextLayer>::close() {
  // No closing handshake: the MQTT DISCONNECT (if any) has been sent; cut the TCP stream.
  boost::beast::get_lowest_layer(stream_).close();
}

template class WebSocketTransport<boost::beast::tcp_stream>;
template class WebSocketTransport<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace popflow::net
