#pragma once
// Between MQTT packets and the router's Message: what a PUBLISH (or a will) becomes when it
// enters the broker, and the 5.0 properties it carries when it leaves for one subscriber.
#include <chrono>

#include "broker/delivery.hpp"
#include "mqtt/properties.hpp"

namespace popflow::net {

// Keeps the application properties (5.0 section 3.3.2.3) and turns Message Expiry Interval
// into a deadline. `origin` is the publishing session, for No Local.
MessagePtr make_message(std::string topic, std::string payload, std::uint8_t qos, bool retain,
                        const mqtt::Properties& properties, std::uint64_t origin);

// The properties of one outgoing PUBLISH: the remaining expiry, the application properties
// and the subscription identifiers that matched.
mqtt::Properties outgoing_properties(const broker::Delivery& delivery,
                                     std::chrono::steady_clock::time_point now);

}  // namespace popflow::net
