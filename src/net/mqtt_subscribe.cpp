// SUBSCRIBE -> SUBACK and UNSUBSCRIBE -> UNSUBACK (MQTT 5.0 sections 3.8 to 3.11).
// Every filter goes through the ACL; a refused one gets 0x87 (3.1.1: 0x80) in SUBACK and
// is never silently granted. Shared subscriptions ($share/<group>/<filter>) for both.
#include <optional>

#include "auth/acl.hpp"
#include "core/log.hpp"
#include "mqtt/subscribe.hpp"
#include "net/mqtt_connection.hpp"

namespace popflow::net {
namespace {

// "$share/<group>/<filter>" -> {group, filter}; an ordinary filter -> {"", filter}. 3.1.1
// has no shared subscriptions, but clients use them as mosquitto grants them to 3.1.1 too:
// so the 5.0 syntax applies to both. nullopt: a "$share/" filter malformed by that syntax
// (refused; for 5.0 the codec refuses it first, as a malformed packet).
std::optional<std::pair<std::string, std::string>> split_shared(const std::string& full) {
  if (!mqtt::is_shared_filter(mqtt::ProtocolVersion::v5, full)) return {{"", full}};
  if (!mqtt::is_valid_subscribe_filter(mqtt::ProtocolVersion::v5, full)) return std::nullopt;
  const auto rest = std::string_view(full).substr(std::string_view("$share/").size());
  const auto slash = rest.find('/');
  return {{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))}};
}

}  // namespace

void MqttConnection::handle_subscribe(const mqtt::Subscribe& packet) {
  auto& broker = worker_.state().broker;
  mqtt::Suback ack;
  ack.packet_id = packet.packet_id;
  const auto& ids = packet.properties.subscription_identifiers;
  for (const auto& request : packet.subscriptions) {
    auto shared = split_shared(request.filter);
    if (!shared) {
      log::info("mqtt subscribe refused", {{"client_id", client_id_},
                                           {"filter", request.filter},
                                           {"why", "malformed $share/<group>/<filter>"}});
      ack.reason_codes.push_back(mqtt::ReasonCode::topic_filter_invalid);
      continue;
    }
    auto& [group, filter] = *shared;
    const auto denial = identity_.claims ? auth::subscribe_denial(*identity_.claims, filter)
                                         : auth::anonymous_subscribe_denial(filter);
    if (denial) {
      broker.stats().denied_subscribe.fetch_add(1, std::memory_order_relaxed);
      log::info("mqtt subscribe refused",
                {{"client_id", client_id_}, {"filter", request.filter}, {"why", *denial}});
      ack.reason_codes.push_back(mqtt::ReasonCode::not_authorized);
      continue;
    }
    broker::SubscriptionRecord record;
    record.group = std::move(group);
    record.filter = std::move(filter);
    record.options.qos = std::min<std::uint8_t>(request.qos, 2);
    record.options.no_local = request.no_local;
    record.options.retain_as_published = request.retain_as_published;
    record.options.retain_handling = request.retain_handling;
    record.options.identifier = ids.empty() ? 0 : ids.front();
    broker.subscribe(*session_, request.filter, record);
    ack.reason_codes.push_back(static_cast<mqtt::ReasonCode>(record.options.qos));
  }
  send(ack);
  flush();  // retained messages for the new subscriptions, after the SUBACK
}

void MqttConnection::handle_unsubscribe(const mqtt::Unsubscribe& packet) {
  auto& broker = worker_.state().broker;
  mqtt::Unsuback ack;
  ack.packet_id = packet.packet_id;
  for (const auto& filter : packet.filters) {
    ack.reason_codes.push_back(broker.unsubscribe(*session_, filter)
                                   ? mqtt::ReasonCode::success
                                   : mqtt::ReasonCode::no_subscription_existed);
  }
  send(ack);
}

}  // namespace popflow::net
