#include "net/websocket_upgrade.hpp"

#include "core/log.hpp"
#include "net/mqtt_connection.hpp"
#include "net/websocket_transport.hpp"

namespace popflow::net {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

template <class NextLayer>
void accept(NextLayer next, UpgradeRequest upgrade, Worker& worker) {
  using Transport = WebSocketTransport<NextLayer>;
  auto stream = std::make_shared<typename Transport::Stream>(std::move(next));
  const auto& config = worker.state().config;
  stream->read_message_max(config.mqtt_max_packet_bytes + 8);
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = config.read_timeout;
  stream->set_option(timeouts);
  const bool wants_mqtt =
      upgrade[beast::http::field::sec_websocket_protocol].find("mqtt") != beast::string_view::npos;
  stream->set_option(websocket::stream_base::decorator([wants_mqtt](websocket::response_type& res) {
    res.set(beast::http::field::server, "popflow-connect");
    if (wants_mqtt) res.set(beast::http::field::sec_websocket_protocol, "mqtt");
  }));
  auto request = std::make_shared<UpgradeRequest>(std::move(upgrade));
  stream->async_accept(*request, [stream, request, &worker](beast::error_code ec) {
    if (ec) {
      log::info("websocket handshake failed", {{"error", ec.message()}});
      worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    std::make_shared<MqttConnection>(std::make_unique<Transport>(std::move(*stream)), worker)
        ->start();
  });
}

}  // namespace

void accept_mqtt_websocket(boost::asio::ip::tcp::socket socket, UpgradeRequest upgrade,
                           Worker& worker) {
  accept(std::move(socket), std::move(upgrade), worker);
}

void accept_mqtt_websocket(beast::ssl_stream<beast::tcp_stream> stream, UpgradeRequest upgrade,
                           Worker& worker) {
  accept(std::move(stream), std::move(upgrade), worker);
}

}  // namespace popflow::net
