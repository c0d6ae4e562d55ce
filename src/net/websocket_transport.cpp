#include "net/websocket_transport.hpp"

namespace popflow::net {
namespace {

void close_socket(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.close(ignored);
}

void close_socket(boost::beast::tcp_stream& stream) {
  stream.close();
}

}  // namespace

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
  close_socket(boost::beast::get_lowest_layer(stream_));
}

template class WebSocketTransport<boost::asio::ip::tcp::socket>;
template class WebSocketTransport<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace popflow::net
