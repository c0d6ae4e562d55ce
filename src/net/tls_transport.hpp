#pragma once
// TLS over TCP (mqtts, and the HTTPS port's streams once handed over). The handshake is
// done before the transport is built (see tls_accept.hpp).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/transport.hpp"

namespace popflow::net {

class TlsTransport : public Transport {
 public:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  explicit TlsTransport(Stream stream);

  void read_some(boost::asio::mutable_buffer buffer, Handler handler) override;
  void write(boost::asio::const_buffer buffer, Handler handler) override;
  void write_gather(std::span<const boost::asio::const_buffer> buffers, Handler handler) override;
  void close() override;
  std::string_view name() const override { return "tls"; }

 private:
  Stream stream_;
};

}  // namespace popflow::net
