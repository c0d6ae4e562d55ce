#pragma once
// MQTT over WebSocket at /mqtt on the HTTP and HTTPS ports: the HTTP session hands over its
// stream and the upgrade request; this completes the handshake (subprotocol "mqtt", as
// mqtt.js and Paho ask for) and starts an MqttConnection on it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/worker.hpp"

namespace popflow::net {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

void accept_mqtt_websocket(boost::asio::ip::tcp::socket socket, UpgradeRequest upgrade,
                           Worker& worker);
void accept_mqtt_websocket(boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
                           UpgradeRequest upgrade, Worker& worker);

}  // namespace popflow::net
