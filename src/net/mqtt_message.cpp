#include "net/mqtt_message.hpp"

#include <algorithm>

namespace popflow::net {

MessagePtr make_message(std::string topic, std::string payload, std::uint8_t qos, bool retain,
                        const mqtt::Properties& p, std::uint64_t origin) {
  auto message = std::make_shared<Message>();
  message->topic = std::move(topic);
  message->payload = std::move(payload);
  message->qos = qos;
  message->retain = retain;
  message->origin = origin;
  if (p.message_expiry_interval)
    message->expires_at =
        std::chrono::steady_clock::now() + std::chrono::seconds(*p.message_expiry_interval);
  if (p.payload_format_indicator || p.content_type || p.response_topic || p.correlation_data ||
      !p.user_properties.empty()) {
    auto properties = std::make_shared<MessageProperties>();
    properties->payload_format = p.payload_format_indicator;
    properties->content_type = p.content_type;
    properties->response_topic = p.response_topic;
    properties->correlation_data = p.correlation_data;
    for (const auto& up : p.user_properties)
      properties->user_properties.emplace_back(up.name, up.value);
    message->properties = std::move(properties);
  }
  return message;
}

mqtt::Properties outgoing_properties(const broker::Delivery& delivery,
                                     std::chrono::steady_clock::time_point now) {
  mqtt::Properties p;
  const auto& message = *delivery.message;
  if (message.expires_at) {
    // The remaining lifetime, rounded up so a message never looks already expired.
    const auto left = std::chrono::ceil<std::chrono::seconds>(*message.expires_at - now);
    p.message_expiry_interval = static_cast<std::uint32_t>(std::max<std::int64_t>(left.count(), 1));
  }
  if (const auto& props = message.properties) {
    p.payload_format_indicator = props->payload_format;
    p.content_type = props->content_type;
    p.response_topic = props->response_topic;
    p.correlation_data = props->correlation_data;
    for (const auto& [name, value] : props->user_properties)
      p.user_properties.push_back({name, value});
  }
  p.subscription_identifiers = delivery.subscription_ids;
  return p;
}

}  // namespace popflow::net
