// PUBLISH in both directions and its acknowledgements (MQTT 5.0 sections 3.3 to 3.7, 4.3).
//
// Incoming QoS 2 uses "method A" of section 4.3.3: the message is published on the first
// PUBLISH and only its packet id is remembered until PUBREL, so a resent PUBLISH is not
// published twice.
#include <algorithm>
#include <boost/asio/post.hpp>

#include "auth/acl.hpp"
#include "core/log.hpp"
#include "mqtt/codec.hpp"
#include "net/mqtt_connection.hpp"
#include "net/mqtt_message.hpp"

namespace popflow::net {

using mqtt::ReasonCode;

void MqttConnection::handle_publish(mqtt::Publish& packet) {
  auto& broker = worker_.state().broker;
  if (worker_.state().config.fault_injection && packet.topic == "$fault/throw")
    throw std::runtime_error("fault injected by a PUBLISH to $fault/throw");
  const bool v5 = version_ == mqtt::ProtocolVersion::v5;
  if (v5 && !packet.properties.subscription_identifiers.empty())
    return disconnect(ReasonCode::protocol_error, "PUBLISH from a client with a subscription id");
  if (auto alias = packet.properties.topic_alias) {
    const auto maximum = worker_.state().config.mqtt_topic_alias_maximum;
    if (*alias == 0 || *alias > maximum)
      return disconnect(ReasonCode::topic_alias_invalid, "topic alias out of range");
    auto& known = aliases().incoming;
    if (known.empty()) known.resize(maximum + 1);
    if (packet.topic.empty()) {
      if (known[*alias].empty())
        return disconnect(ReasonCode::protocol_error, "unknown topic alias");
      packet.topic = known[*alias];
    } else {
      known[*alias] = packet.topic;
    }
    packet.properties.topic_alias.reset();
  }
  broker.stats().messages_in.fetch_add(1, std::memory_order_relaxed);

  const auto id = packet.packet_id;
  if (packet.qos == 1 && over_receive_maximum(1))
    return disconnect(ReasonCode::receive_maximum_exceeded,
                      "more unacknowledged QoS 1 and 2 messages than Receive Maximum");
  if (auto denial = auth::publish_denial(packet.topic)) {
    broker.stats().denied_publish.fetch_add(1, std::memory_order_relaxed);
    log::warn("mqtt publish refused",
              {{"client_id", client_id_}, {"topic", packet.topic}, {"why", *denial}});
    // 5.0 says no with 0x87; 3.1.1 has no way to, so the message is acknowledged and dropped
    // (as mosquitto does) rather than left for the client to resend forever.
    const auto code = v5 ? ReasonCode::not_authorized : ReasonCode::success;
    if (packet.qos == 1) send(mqtt::Ack{mqtt::PacketType::puback, id, code, {}});
    if (packet.qos == 2) {
      if (!v5) session_->receive_qos2(id);  // PUBREL follows; answer it with PUBCOMP
      send(mqtt::Ack{mqtt::PacketType::pubrec, id, code, {}});
    }
    return;
  }

  if (packet.qos == 2) {
    const bool first = session_->receive_qos2(id);
    if (first && over_receive_maximum(2))
      return disconnect(ReasonCode::receive_maximum_exceeded,
                        "more unacknowledged QoS 1 and 2 messages than Receive Maximum");
    broker::PublishReceipt receipt{1, 0};
    if (first)
      receipt = broker.publish(make_message(std::move(packet.topic), std::move(packet.payload),
                                            packet.qos, packet.retain, packet.properties,
                                            session_->id()));
    const auto code =
        v5 && receipt.delivered == 0 ? ReasonCode::no_matching_subscribers : ReasonCode::success;
    return acknowledge(mqtt::Ack{mqtt::PacketType::pubrec, id, code, {}}, receipt.journal_seq);
  }
  const auto receipt =
      broker.publish(make_message(std::move(packet.topic), std::move(packet.payload), packet.qos,
                                  packet.retain, packet.properties, session_->id()));
  if (packet.qos == 1) {
    const auto code =
        v5 && receipt.delivered == 0 ? ReasonCode::no_matching_subscribers : ReasonCode::success;
    acknowledge(mqtt::Ack{mqtt::PacketType::puback, id, code, {}}, receipt.journal_seq);
  }
}

// Receive Maximum (5.0 sections 3.3.4, 4.9): the client may have at most mqtt_max_inflight
// QoS 1 and 2 messages we have not finished acknowledging (QoS 2 until PUBREL, QoS 1 until its
// PUBACK leaves). Called with this PUBLISH counted: a QoS 2 one is already in incoming_qos2().
// 3.1.1 announces no such limit, so only its QoS 2 ids are bounded (they are kept in memory).
bool MqttConnection::over_receive_maximum(std::uint8_t qos) {
  const auto limit = worker_.state().config.mqtt_max_inflight;
  if (version_ != mqtt::ProtocolVersion::v5) return qos == 2 && session_->incoming_qos2() > limit;
  const auto qos1 = pubacks_held_ + pubacks_unsent_ + (qos == 1 ? 1 : 0);
  return qos1 + session_->incoming_qos2() > limit;
}

// Like a trigger's 200, a PUBACK/PUBREC tells the publisher it may forget the message: when
// the publish appended to the journal (queued for a persistent session, or retained), it is
// sent once that is written. The journal calls back in order, and posts keep that order.
void MqttConnection::acknowledge(const mqtt::Ack& ack, std::uint64_t journal_seq) {
  auto* journal = worker_.state().broker.journal();
  if (!journal || (journal_seq == 0 && acks_waiting_ == 0)) return send(ack);
  acks_wait_for_ = std::max(acks_wait_for_, journal_seq);
  ++acks_waiting_;
  if (ack.type == mqtt::PacketType::puback) ++pubacks_held_;
  // Decided here, on the connection's thread: the callback runs on the journal's.
  const bool v5 = version_ == mqtt::ProtocolVersion::v5;
  auto done = [self = shared_from_this(), reply = ack, v5](bool written) mutable {
    // Not written: a 5.0 publisher hears so; 3.1.1 has no code for it (the error is logged).
    if (!written && v5 && reply.reason_code == ReasonCode::success)
      reply.reason_code = ReasonCode::unspecified_error;
    // `self` moves on: the last reference must never be dropped on the journal thread.
    auto& io = self->worker_.io();
    boost::asio::post(io, [self = std::move(self), reply] {
      --self->acks_waiting_;
      if (reply.type == mqtt::PacketType::puback) --self->pubacks_held_;
      self->send(reply);
    });
  };
  journal->when_written(acks_wait_for_, std::move(done));
}

void MqttConnection::handle_ack(const mqtt::Ack& ack) {
  switch (ack.type) {
    case mqtt::PacketType::puback:
    case mqtt::PacketType::pubcomp:
      session_->complete(ack.packet_id);
      return flush();  // the window has room again
    case mqtt::PacketType::pubrec:
      if (mqtt::is_failure(ack.reason_code)) {
        session_->complete(ack.packet_id);  // the client refused it: done
        return flush();
      }
      return send(mqtt::Ack{mqtt::PacketType::pubrel,
                            ack.packet_id,
                            session_->release(ack.packet_id)
                                ? ReasonCode::success
                                : ReasonCode::packet_identifier_not_found,
                            {}});
    case mqtt::PacketType::pubrel:
      return send(mqtt::Ack{mqtt::PacketType::pubcomp,
                            ack.packet_id,
                            session_->release_qos2(ack.packet_id)
                                ? ReasonCode::success
                                : ReasonCode::packet_identifier_not_found,
                            {}});
    default:
      return;
  }
}

void MqttConnection::flush() {
  if (state_ != State::connected || !session_) return;
  auto& stats = worker_.state().broker.stats();
  const auto now = std::chrono::steady_clock::now();
  const bool v5 = version_ == mqtt::ProtocolVersion::v5;
  for (auto& delivery : session_->take_sendable(window_, now)) {
    if (delivery.release_only) {
      send(mqtt::Ack{mqtt::PacketType::pubrel, delivery.packet_id, ReasonCode::success, {}});
      continue;
    }
    const std::string_view topic = delivery.message->topic;
    mqtt::Properties properties;
    mqtt::OutgoingTopicAliases::Choice alias;
    if (v5) {
      properties = outgoing_properties(delivery, now);
      // The alias costs one hash lookup per message (none with aliases off); a topic sent
      // before travels as its alias alone.
      if (aliases_) alias = aliases_->outgoing.choose(topic);
      if (alias.alias) properties.topic_alias = alias.alias;
    }
    // Topic and payload are encoded straight from the shared message, never copied.
    const mqtt::PublishView packet{alias.with_topic ? topic : std::string_view{},
                                   delivery.message->payload,
                                   delivery.qos,
                                   delivery.retain,
                                   delivery.dup,
                                   delivery.packet_id,
                                   &properties};
    const auto before = out_.size();
    if (!mqtt::encode_publish(version_, packet, out_)) continue;
    // Never send a client more than its Maximum Packet Size: drop it as if delivered
    // [MQTT-3.1.2-25].
    if (peer_max_packet_ && out_.size() - before > *peer_max_packet_) {
      out_.resize(before);
      if (delivery.qos > 0) session_->complete(delivery.packet_id);
      stats.dropped_too_large.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (alias.alias) aliases_->outgoing.commit(topic, alias);  // the client learns a new alias
    stats.messages_out.fetch_add(1, std::memory_order_relaxed);
  }
  start_write();
}

}  // namespace popflow::net
