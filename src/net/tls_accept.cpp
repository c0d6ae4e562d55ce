#include "net/tls_accept.hpp"

#include "core/log.hpp"
#include "net/mqtt_connection.hpp"

namespace popflow::net {

void accept_tls(boost::asio::ip::tcp::socket socket, Worker& worker, TlsAccepted next) {
  auto stream = std::make_shared<TlsTransport::Stream>(boost::beast::tcp_stream(std::move(socket)),
                                                       *worker.state().tls);
  boost::beast::get_lowest_layer(*stream).expires_after(worker.state().config.read_timeout);
  stream->async_handshake(boost::asio::ssl::stream_base::server,
                          [stream, &worker, next = std::move(next)](boost::system::error_code ec) {
                            if (ec) {
                              log::debug("tls handshake failed", {{"error", ec.message()}});
                              worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
                              return;
                            }
                            boost::beast::get_lowest_layer(*stream).expires_never();
                            next(std::move(*stream), worker);
                          });
}

void accept_mqtts(boost::asio::ip::tcp::socket socket, Worker& worker) {
  accept_tls(std::move(socket), worker, [](TlsTransport::Stream stream, Worker& w) {
    std::make_shared<MqttConnection>(std::make_unique<TlsTransport>(std::move(stream)), w)->start();
  });
}

}  // namespace popflow::net
