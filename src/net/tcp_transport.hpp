#pragma once
#include <boost/asio/ip/tcp.hpp>

#include "net/transport.hpp"

namespace popflow::net {

class TcpTransport : public Transport {
 public:
  explicit TcpTransport(boost::asio::ip::tcp::socket socket);

  void read_some(boost::asio::mutable_buffer buffer, Handler handler) override;
  void write(boost::asio::const_buffer buffer, Handler handler) override;
  void write_gather(std::span<const boost::asio::const_buffer> buffers, Handler handler) override;
  void close() override;
  std::string_view name() const override { return "tcp"; }
  bool can_wait_readable() const override { return true; }
  void wait_readable(std::function<void(boost::system::error_code)> handler) override;
  std::size_t read_available(boost::asio::mutable_buffer buffer,
                             boost::system::error_code& ec) override;

 private:
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace popflow::net
