#include "net/tls_transport.hpp"

#include <boost/asio/write.hpp>

namespace popflow::net {

TlsTransport::TlsTransport(Stream stream) : stream_(std::move(stream)) {
  boost::beast::get_lowest_layer(stream_).expires_never();
}

void TlsTransport::read_some(boost::asio::mutable_buffer buffer, Handler handler) {
  stream_.async_read_some(buffer, std::move(handler));
}

void TlsTransport::write(boost::asio::const_buffer buffer, Handler handler) {
  boost::asio::async_write(stream_, buffer, std::move(handler));
}

void TlsTransport::write_gather(std::span<const boost::asio::const_buffer> buffers,
                                Handler handler) {
  boost::asio::async_write(stream_, buffers, std::move(handler));
}

void TlsTransport::close() {
  // No close_notify: the protocol above has said goodbye already; cut the TCP stream.
  boost::beast::get_lowest_layer(stream_).close();
}

}  // namespace popflow::net
