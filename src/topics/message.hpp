#pragma once
// A message on its way from a publisher (an HTTP trigger, an MQTT client) to subscribers.
// Immutable once published and shared by every subscriber it reaches, so one allocation
// serves the whole fan-out.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace popflow {

// MQTT 5.0 application properties, carried from publisher to subscribers unchanged.
struct MessageProperties {
  std::optional<std::uint8_t> payload_format;
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  std::vector<std::pair<std::string, std::string>> user_properties;
};

struct Message {
  std::string topic;
  std::string payload;
  std::string id;  // the trigger's message id; empty for MQTT-originated messages
  std::uint8_t qos = 0;
  bool retain = false;
  std::optional<std::chrono::steady_clock::time_point> expires_at;
  std::uint64_t origin = 0;  // publishing session, for MQTT no-local; 0 = not a session
  std::shared_ptr<const MessageProperties> properties;  // null when there are none
};

using MessagePtr = std::shared_ptr<const Message>;

}  // namespace popflow
