#include "net/websocket_upgrade.hpp"

#include <boost/beast/websocket/stream.hpp>

#include "core/log.hpp"
#include "net/mqtt_connection.hpp"
#include "net/websocket_transport.hpp"

namespace popflow::net {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

void accept_mqtt_websocket(boost::asio::ip::tcp::socket socket,
                           beast::http::request<beast::http::string_body> upgrade, Worker& worker) {
  auto stream = std::make_shared<WebSocketTransport::Stream>(std::move(socket));
  const auto& config = worker.state().config;
  stream->read_message_max(config.mqtt_max_packet_bytes + 8);
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = config.read_timeout;
  stream->set_option(timeouts);
  const bool wants_mqtt =
      beast::string_view(upgrade[beast::http::field::sec_websocket_protocol]).find("mqtt") !=
      beast::string_view::npos;
  stream->set_option(websocket::stream_base::decorator([wants_mqtt](websocket::response_type& res) {
    res.set(beast::http::field::server, "popflow-connect");
    if (wants_mqtt) res.set(beast::http::field::sec_websocket_protocol, "mqtt");
  }));
  auto request =
      std::make_shared<beast::http::request<beast::http::string_body>>(std::move(upgrade));
  stream->async_accept(*request, [stream, request, &worker](beast::error_code ec) {
    if (ec) {
      log::info("websocket handshake failed", {{"error", ec.message()}});
      worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    std::make_shared<MqttConnection>(std::make_unique<WebSocketTransport>(std::move(*stream)),
                                     worker)
        ->start();
  });
}

}  // namespace popflow::net
