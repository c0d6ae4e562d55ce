#pragma once
// The sending side: a pool of connections that each carry one request (HTTP keep-alive) or a
// window of QoS 1 PUBLISHes (MQTT) at a time. try_publish() writes at once on a free
// connection (so the caller's send timestamp is the write time) or says none is free;
// on_done then reports each completion, which is when the caller may try again.
#include "transport.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace bench {

// "{agent}" and "{seq}" in a template are replaced by the trigger's agent id and sequence.
std::string render(const std::string& tmpl, const std::string& agent, std::uint64_t seq);

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual awaitable<void> connect() = 0;
  virtual bool try_publish(const std::string& agent, std::uint64_t seq) = 0;

  // ok: 2xx answer / PUBACK; latency_ns: write to answer.
  std::function<void(bool ok, std::uint64_t latency_ns)> on_done;
  std::uint64_t failures = 0;  // connections lost
};

struct HttpTargetConfig {
  Endpoint endpoint;
  int connections = 64;
  std::string path;     // template, e.g. /api/sendmessage/CTI or /pub?id={agent}
  std::string body;     // template
  std::string headers;  // extra header lines, each ending in \r\n
};
std::unique_ptr<Publisher> make_http_publisher(asio::any_io_executor ex, HttpTargetConfig config);

struct MqttTargetConfig {
  Endpoint endpoint;
  int connections = 4;
  int window = 64;      // unacknowledged PUBLISHes per connection
  std::string topic;    // template, e.g. bench/{agent}
  std::string payload;  // template
};
std::unique_ptr<Publisher> make_mqtt_publisher(asio::any_io_executor ex, MqttTargetConfig config);

}  // namespace bench
