#pragma once
// MQTT over WebSocket at /mqtt on the HTTP port: the HTTP session hands over its socket and
// the upgrade request; this completes the handshake (subprotocol "mqtt", as mqtt.js and
// Paho ask for) and starts an MqttConnection on it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/worker.hpp"

namespace popflow::net {

void accept_mqtt_websocket(boost::asio::ip::tcp::socket socket,
                           boost::beast::http::request<boost::beast::http::string_body> upgrade,
                           Worker& worker);

}  // namespace popflow::net
