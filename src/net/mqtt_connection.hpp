#pragma once
// One MQTT client connection over any Transport: reads frames, runs the protocol for both
// 3.1.1 and 5.0, and writes what its session has to send. The session (broker::Session)
// outlives it; the connection attaches to it after CONNECT and detaches when it closes.
//
// The packet handlers are split by kind and direction, Mosquitto style:
//   mqtt_connection.cpp   lifecycle, reading, writing, keep-alive and token checks
//   mqtt_connect.cpp      CONNECT -> CONNACK, DISCONNECT
//   mqtt_publish.cpp      PUBLISH from the client, the QoS acks, and sending PUBLISH out
//   mqtt_subscribe.cpp    SUBSCRIBE/SUBACK, UNSUBSCRIBE/UNSUBACK
//
// Threads: lives on one worker; wake() and kick() come from any thread (SessionLink) and
// only post to it.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "broker/broker.hpp"
#include "mqtt/frame.hpp"
#include "mqtt/outgoing_topic_aliases.hpp"
#include "mqtt/packet.hpp"
#include "net/transport.hpp"
#include "net/worker.hpp"

namespace popflow::net {

class MqttConnection : public broker::SessionLink,
                       public Drainable,
                       public Flushable,
                       public std::enable_shared_from_this<MqttConnection> {
 public:
  MqttConnection(std::unique_ptr<Transport> transport, Worker& worker);
  ~MqttConnection() override;

  void start();
  void wake() override;
  void kick(std::uint8_t reason_code) override;
  std::string_view transport() const override { return transport_->name(); }
  void drain() override;  // server shutting down (5.0: DISCONNECT 0x8B)
  // Once a second: CONNECT within read_timeout, keep-alive, the client token still valid.
  void tick(std::chrono::steady_clock::time_point now) override;
  void flush_now() override;

 private:
  enum class State { awaiting_connect, connected, closed };

  // mqtt_connection.cpp
  void read();
  void on_readable(boost::system::error_code ec);
  void on_read(boost::system::error_code ec, std::size_t n);
  std::size_t process(std::span<const std::uint8_t> bytes);  // handles whole frames
  bool process_buffered();                                   // frames in in_; false once closed
  void handle_frame(const mqtt::Frame& frame);
  void send(const mqtt::Packet& packet);
  void start_write();
  void disconnect(mqtt::ReasonCode reason, std::string_view why);  // 5.0 DISCONNECT, close
  void close_after_write();
  void close(std::string_view why);
  // mqtt_connect.cpp
  void handle_connect(mqtt::Connect& connect);
  void refuse_connect(mqtt::ReasonCode reason, std::string_view why);
  void handle_disconnect(const mqtt::Disconnect& packet);
  // mqtt_publish.cpp
  void handle_publish(mqtt::Publish& packet);
  void handle_ack(const mqtt::Ack& ack);
  void acknowledge(const mqtt::Ack& ack, std::uint64_t journal_seq);
  bool over_receive_maximum(std::uint8_t qos);
  void flush();
  // mqtt_subscribe.cpp
  void handle_subscribe(const mqtt::Subscribe& packet);
  void handle_unsubscribe(const mqtt::Unsubscribe& packet);

  std::unique_ptr<Transport> transport_;
  Worker& worker_;
  State state_ = State::awaiting_connect;
  std::uint64_t registration_ = 0;
  std::chrono::steady_clock::time_point opened_at_;
  std::chrono::steady_clock::time_point last_packet_at_;

  std::vector<std::uint8_t> in_;  // a partial packet (or, for buffered transports, the read buffer)
  std::size_t in_used_ = 0;
  std::vector<std::uint8_t> out_;      // encoded, not yet handed to the transport
  std::vector<std::uint8_t> writing_;  // with the transport now
  bool writing_now_ = false;
  bool close_when_written_ = false;
  std::atomic<bool> wake_posted_{false};

  // Negotiated at CONNECT.
  mqtt::ProtocolVersion version_ = mqtt::ProtocolVersion::v311;
  mqtt::FrameLimits limits_;
  std::string client_id_;
  broker::Identity identity_;
  std::shared_ptr<broker::Session> session_;
  std::optional<broker::Will> will_;
  bool session_expiry_was_zero_ = false;
  std::uint16_t keep_alive_ = 0;                  // seconds; 0 = none
  std::size_t window_ = 0;                        // QoS 1/2 in flight to the client
  std::optional<std::uint32_t> peer_max_packet_;  // the client's Maximum Packet Size
  // MQTT 5.0 topic aliases, both ways: ~120 bytes that most connections never use, so made
  // for a client that announces a Topic Alias Maximum or sends an alias (idle connections
  // are the memory budget).
  struct TopicAliases {
    std::vector<std::string> incoming;    // client -> server, index = alias
    mqtt::OutgoingTopicAliases outgoing;  // server -> client
  };
  std::unique_ptr<TopicAliases> aliases_;
  TopicAliases& aliases();
  // Acknowledgements held until the journal has written what their PUBLISH appended; the
  // ones after wait behind them, so acknowledgements keep the order of the PUBLISHes.
  std::size_t acks_waiting_ = 0;
  std::uint64_t acks_wait_for_ = 0;
  // Incoming QoS 1 messages not yet acknowledged, for Receive Maximum: PUBACKs held for the
  // journal, and PUBACKs in out_ not yet handed to the transport. Once handed over they may
  // have reached the client, which may then send more: counting them would refuse a client
  // that keeps to the limit.
  std::size_t pubacks_held_ = 0;
  std::size_t pubacks_unsent_ = 0;
};

// net::Listener hook for the MQTT port.
void accept_mqtt(boost::asio::ip::tcp::socket socket, Worker& worker);

}  // namespace popflow::net
