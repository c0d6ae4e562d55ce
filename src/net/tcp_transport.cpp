#include "net/tcp_transport.hpp"

#include <boost/asio/write.hpp>

namespace popflow::net {

TcpTransport::TcpTransport(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);  // read_available() must never block the loop
}

void TcpTransport::wait_readable(std::function<void(boost::system::error_code)> handler) {
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read, std::move(handler));
}

std::size_t TcpTransport::read_available(boost::asio::mutable_buffer buffer,
                                         boost::system::error_code& ec) {
  return socket_.read_some(buffer, ec);
}

void TcpTransport::read_some(boost::asio::mutable_buffer buffer, Handler handler) {
  socket_.async_read_some(buffer, std::move(handler));
}

void TcpTransport::write(boost::asio::const_buffer buffer, Handler handler) {
  boost::asio::async_write(socket_, buffer, std::move(handler));
}

void TcpTransport::write_gather(std::span<const boost::asio::const_buffer> buffers,
                                Handler handler) {
  boost::asio::async_write(socket_, buffers, std::move(handler));
}

void TcpTransport::close() {
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace popflow::net
