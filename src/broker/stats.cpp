#include "broker/stats.hpp"

#include <fmt/format.h>

namespace popflow::broker {
namespace {

std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

}  // namespace

std::string Stats::render(std::size_t sessions, std::size_t connections, std::size_t subscriptions,
                          std::size_t retained) const {
  std::string out;
  const auto metric = [&](std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  metric("popflow_mqtt_connections", "gauge", "Open MQTT connections (TCP and WebSocket).");
  out += fmt::format("popflow_mqtt_connections {}\n", connections);
  metric("popflow_mqtt_sessions", "gauge", "MQTT sessions, connected or kept for later.");
  out += fmt::format("popflow_mqtt_sessions {}\n", sessions);
  metric("popflow_subscriptions", "gauge", "Subscriptions in the topic router (MQTT and SSE).");
  out += fmt::format("popflow_subscriptions {}\n", subscriptions);
  metric("popflow_mqtt_retained_messages", "gauge", "Retained messages held.");
  out += fmt::format("popflow_mqtt_retained_messages {}\n", retained);
  metric("popflow_mqtt_messages_total", "counter", "PUBLISH packets by direction.");
  out += fmt::format("popflow_mqtt_messages_total{{direction=\"in\"}} {}\n", load(messages_in));
  out += fmt::format("popflow_mqtt_messages_total{{direction=\"out\"}} {}\n", load(messages_out));
  metric("popflow_mqtt_dropped_total", "counter",
         "Messages not delivered to a session, by reason.");
  for (const auto& [reason, counter] :
       {std::pair{"queue_full", &dropped_queue_full}, std::pair{"expired", &dropped_expired},
        std::pair{"too_large", &dropped_too_large},
        std::pair{"offline_qos0", &dropped_offline_qos0}})
    out += fmt::format("popflow_mqtt_dropped_total{{reason=\"{}\"}} {}\n", reason, load(*counter));
  metric("popflow_mqtt_denied_total", "counter",
         "Publishes, subscriptions and deliveries refused by the ACL.");
  out += fmt::format("popflow_mqtt_denied_total{{what=\"publish\"}} {}\n", load(denied_publish));
  out +=
      fmt::format("popflow_mqtt_denied_total{{what=\"subscribe\"}} {}\n", load(denied_subscribe));
  out += fmt::format("popflow_mqtt_denied_total{{what=\"delivery\"}} {}\n", load(denied_delivery));
  metric("popflow_mqtt_slow_consumers_total", "counter",
         "Connections closed because their unsent bytes passed the limit.");
  out += fmt::format("popflow_mqtt_slow_consumers_total {}\n", load(slow_consumers));
  return out;
}

}  // namespace popflow::broker
