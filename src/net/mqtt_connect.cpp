// CONNECT -> CONNACK and DISCONNECT (MQTT 3.1.1 sections 3.1, 3.2, 3.14; 5.0 the same).
#include <openssl/rand.h>

#include "auth/acl.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "net/mqtt_connection.hpp"
#include "net/mqtt_message.hpp"

namespace popflow::net {
namespace {

using mqtt::ReasonCode;

// What to answer a refused client token with: "bad credentials" when the token itself is
// broken, "not authorized" when it is valid but may not be used.
ReasonCode connect_refusal(auth::AuthFailure failure) {
  switch (failure) {
    case auth::AuthFailure::wrong_kind:
    case auth::AuthFailure::revoked:
    case auth::AuthFailure::expired:
    case auth::AuthFailure::not_yet_valid:
    case auth::AuthFailure::customer_disabled:
      return ReasonCode::not_authorized;
    default:
      return ReasonCode::bad_user_name_or_password;
  }
}

std::string random_client_id() {
  unsigned char bytes[12];
  RAND_bytes(bytes, sizeof bytes);
  std::string id = "auto-";
  constexpr char kHex[] = "0123456789abcdef";
  for (auto b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

}  // namespace

void MqttConnection::handle_connect(mqtt::Connect& connect) {
  auto& state = worker_.state();
  const auto& config = state.config;
  version_ = connect.version;
  limits_.require_minimal_length = version_ == mqtt::ProtocolVersion::v5;
  client_id_ = connect.client_id;

  if (connect.properties.authentication_method)
    return refuse_connect(ReasonCode::bad_authentication_method, "enhanced authentication");
  if (connect.password) {
    auto claims = worker_.authenticator().authenticate(*connect.password,
                                                       auth::TokenKind::client_token, unix_now());
    if (!claims) {
      state.metrics.count_auth_failure(claims.error());
      return refuse_connect(connect_refusal(claims.error()),
                            "client token refused: " + std::string(auth::label(claims.error())));
    }
    identity_.claims = std::move(*claims);
  } else if (!config.mqtt_allow_anonymous) {
    state.metrics.count_auth_failure(auth::AuthFailure::missing);
    return refuse_connect(ReasonCode::not_authorized,
                          "no client token: send it as the CONNECT password");
  }

  std::optional<std::string> assigned_id;
  if (client_id_.empty()) {
    // 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-7].
    if (version_ == mqtt::ProtocolVersion::v311 && !connect.clean_start)
      return refuse_connect(ReasonCode::client_identifier_not_valid,
                            "empty client id with clean session 0");
    client_id_ = random_client_id();
    assigned_id = client_id_;
  }

  if (connect.will) {
    if (auto denial = auth::publish_denial(connect.will->topic))
      return refuse_connect(ReasonCode::not_authorized, "will topic: " + *denial);
  }

  // Session lifetime: 3.1.1 clean session 0 keeps it forever (like mosquitto's default);
  // 5.0 says how long in seconds, 0xFFFFFFFF meaning forever. Either is cut to
  // mqtt_max_session_expiry by the broker.
  std::optional<std::chrono::seconds> expiry = std::chrono::seconds(0);
  if (version_ == mqtt::ProtocolVersion::v311) {
    if (!connect.clean_start) expiry.reset();
  } else if (auto interval = connect.properties.session_expiry_interval) {
    if (*interval == 0xFFFFFFFF)
      expiry.reset();
    else
      expiry = std::chrono::seconds(*interval);
  }
  session_expiry_was_zero_ = expiry && expiry->count() == 0;

  // mqtt_max_keepalive: a 5.0 client asking longer (or none) is told the maximum in CONNACK's
  // Server Keep Alive; 3.1.1 has no way to tell it, so it is refused (CONNACK 2, as mosquitto
  // does) rather than cut off later while idle within its own keep-alive.
  keep_alive_ = connect.keep_alive;
  const auto max_keep_alive = config.mqtt_max_keepalive;
  const bool keep_alive_capped =
      max_keep_alive > 0 && (keep_alive_ == 0 || keep_alive_ > max_keep_alive);
  if (keep_alive_capped && version_ == mqtt::ProtocolVersion::v311)
    return refuse_connect(ReasonCode::client_identifier_not_valid,
                          "keep-alive " + std::to_string(keep_alive_) +
                              " s is 0 or over mqtt_max_keepalive " +
                              std::to_string(max_keep_alive) + " s");
  if (keep_alive_capped) keep_alive_ = max_keep_alive;
  if (version_ == mqtt::ProtocolVersion::v5)
    if (const auto capacity = std::min(connect.properties.topic_alias_maximum.value_or(0),
                                       config.mqtt_server_topic_aliases))
      aliases().outgoing.reset(capacity);
  window_ = std::min<std::size_t>(connect.properties.receive_maximum.value_or(65535),
                                  config.mqtt_max_inflight);
  peer_max_packet_ = connect.properties.maximum_packet_size;

  auto attached = state.broker.attach(client_id_, identity_, connect.clean_start, expiry, this);
  // Over a cap on persistent sessions (issue 11): 0x97 Quota exceeded; 3.1.1 has no such
  // code and gets 3, Server unavailable (to_v311_connack).
  if (attached.quota_exceeded)
    return refuse_connect(ReasonCode::quota_exceeded, *attached.quota_exceeded);
  session_ = std::move(attached.session);
  // What the broker kept, cut to mqtt_max_session_expiry: a 5.0 client is told when it
  // differs from what it asked (MQTT 5.0 3.2.2.3.2).
  const auto kept_expiry = session_->expiry();
  if (connect.will) {
    const auto delay = connect.will->properties.will_delay_interval.value_or(0);
    will_ =
        broker::Will{make_message(connect.will->topic, connect.will->payload, connect.will->qos,
                                  connect.will->retain, connect.will->properties, session_->id()),
                     std::chrono::seconds(delay)};
  }

  mqtt::Connack ack;
  ack.session_present = attached.present;
  if (version_ == mqtt::ProtocolVersion::v5) {
    auto& p = ack.properties;
    p.receive_maximum =
        static_cast<std::uint16_t>(std::min<std::size_t>(config.mqtt_max_inflight, 65535));
    p.maximum_packet_size = static_cast<std::uint32_t>(config.mqtt_max_packet_bytes);
    p.topic_alias_maximum =
        static_cast<std::uint16_t>(std::min<std::size_t>(config.mqtt_topic_alias_maximum, 65535));
    p.assigned_client_identifier = assigned_id;
    if (keep_alive_capped) p.server_keep_alive = keep_alive_;
    if (kept_expiry != expiry)
      p.session_expiry_interval =
          kept_expiry ? static_cast<std::uint32_t>(kept_expiry->count()) : 0xFFFFFFFF;
  }
  state_ = State::connected;
  send(ack);
  log::info("mqtt connected", {{"client_id", client_id_},
                               {"customer", identity_.claims ? identity_.claims->customer : ""},
                               {"version", version_ == mqtt::ProtocolVersion::v5 ? "5.0" : "3.1.1"},
                               {"transport", transport_->name()},
                               {"session_present", attached.present}});
  flush();  // a resumed session's unacknowledged and queued messages
}

void MqttConnection::refuse_connect(ReasonCode reason, std::string_view why) {
  log::info("mqtt connect refused", {{"client_id", client_id_}, {"why", why}});
  mqtt::Connack ack;
  ack.reason_code = reason;
  if (version_ == mqtt::ProtocolVersion::v5) ack.properties.reason_string = std::string(why);
  send(ack);
  close_after_write();
}

void MqttConnection::handle_disconnect(const mqtt::Disconnect& packet) {
  // A normal DISCONNECT deletes the will; 0x04 asks for it to be sent [MQTT-3.14.4-3].
  if (packet.reason_code != ReasonCode::disconnect_with_will_message) will_.reset();
  if (auto interval = packet.properties.session_expiry_interval; interval && session_) {
    // A session that was to end at disconnect may not be given a lifetime now [MQTT-3.14.2-2].
    if (session_expiry_was_zero_ && *interval != 0)
      return disconnect(ReasonCode::protocol_error, "session expiry set at DISCONNECT");
    session_->set_expiry(*interval == 0xFFFFFFFF ? std::nullopt
                                                 : std::optional<std::chrono::seconds>(
                                                       std::chrono::seconds(*interval)));
  }
  close("client disconnected");
}

}  // namespace popflow::net
