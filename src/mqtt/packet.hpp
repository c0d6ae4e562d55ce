#pragma once
// Any MQTT control packet, as the codec hands it to a session and takes it back.
#include <variant>

#include "mqtt/ack.hpp"
#include "mqtt/auth.hpp"
#include "mqtt/connack.hpp"
#include "mqtt/connect.hpp"
#include "mqtt/disconnect.hpp"
#include "mqtt/ping.hpp"
#include "mqtt/publish.hpp"
#include "mqtt/suback.hpp"
#include "mqtt/subscribe.hpp"
#include "mqtt/unsuback.hpp"
#include "mqtt/unsubscribe.hpp"

namespace popflow::mqtt {

using Packet = std::variant<Connect, Connack, Publish, Ack, Subscribe, Suback, Unsubscribe,
                            Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

PacketType packet_type(const Packet& packet);

}  // namespace popflow::mqtt
