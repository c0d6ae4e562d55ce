#pragma once
// One subscribing client: MQTT 3.1.1 over TCP or WebSocket, Server-Sent Events, or an nchan
// WebSocket. Each hands every message payload to the Tracker (or counts it, when idle).
// Runs as a coroutine on the io_context it was started on; lives until the process exits.
#include "tracker.hpp"
#include "transport.hpp"

#include <memory>
#include <string>

namespace bench {

enum class Protocol { mqtt, mqtt_ws, sse, nchan_ws };
Protocol parse_protocol(const std::string& name);  // "mqtt", "mqtt-ws", "sse", "nchan-ws"

struct SubscriberCounts {
  std::uint64_t ready = 0;   // subscribed and acknowledged (SUBACK, ": subscribed", upgrade)
  std::uint64_t failed = 0;  // connect, handshake or subscription refused, or dropped
  std::uint64_t stray = 0;   // messages received with no tracker (idle connections)
};

struct SubscriberConfig {
  Protocol protocol = Protocol::mqtt;
  Endpoint endpoint;
  std::string username = "bench";
  std::string token;  // MQTT password / SSE bearer token; "" = anonymous (mosquitto)
  std::uint16_t keepalive_s = 60;
  std::uint8_t qos = 1;
  bool persistent = false;  // MQTT clean session 0: the server keeps (and journals) the session
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  static std::unique_ptr<Subscriber> start(asio::any_io_executor ex, SubscriberConfig config,
                                           std::string topic, std::string client_id,
                                           Tracker* tracker, SubscriberCounts& counts);
};

}  // namespace bench
