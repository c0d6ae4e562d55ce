#include "net/mqtt_connection.hpp"

#include <boost/asio/post.hpp>
#include <cstring>

#include "core/log.hpp"
#include "core/time.hpp"
#include "mqtt/codec.hpp"
#include "mqtt/error.hpp"
#include "net/tcp_transport.hpp"

namespace popflow::net {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void accept_mqtt(asio::ip::tcp::socket socket, Worker& worker) {
  std::make_shared<MqttConnection>(std::make_unique<TcpTransport>(std::move(socket)), worker)
      ->start();
}

MqttConnection::MqttConnection(std::unique_ptr<Transport> transport, Worker& worker)
    : transport_(std::move(transport)), worker_(worker) {
  worker_.state().metrics.connection_opened(ConnectionKind::mqtt);
}

MqttConnection::~MqttConnection() {
  // Only reached with the connection still open when the loop was stopped under it (the
  // shutdown deadline): the loops are going away, so nothing may be published now, not
  // even the will, whose delivery would post to them.
  will_.reset();
  close("destroyed");
  worker_.remove(registration_);
  worker_.state().metrics.connection_closed(ConnectionKind::mqtt);
  worker_.state().connections.fetch_sub(1, std::memory_order_relaxed);
}

void MqttConnection::start() {
  registration_ = worker_.add(weak_from_this());
  opened_at_ = last_packet_at_ = std::chrono::steady_clock::now();
  limits_.max_packet_size = worker_.state().config.mqtt_max_packet_bytes;
  read();
}

void MqttConnection::read() {
  if (transport_->can_wait_readable()) {
    transport_->wait_readable(
        [self = shared_from_this()](boost::system::error_code ec) { self->on_readable(ec); });
    return;
  }
  // Buffered transports read into in_, grown only as far as the packet being read needs;
  // split_frame refuses a packet over the limit from its fixed header.
  if (in_.size() - in_used_ < 4096) in_.resize(std::max(in_.size() * 2, in_used_ + 4096));
  transport_->read_some(asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                          self->on_read(ec, n);
                        });
}

void MqttConnection::on_readable(boost::system::error_code ec) {
  if (state_ == State::closed) return;
  if (ec) return close(ec.message());
  auto& scratch = worker_.read_scratch();
  const auto n = transport_->read_available(asio::buffer(scratch), ec);
  if (ec == asio::error::would_block) return read();
  if (ec) return close(ec == asio::error::eof ? "closed by client" : ec.message());
  last_packet_at_ = std::chrono::steady_clock::now();
  if (in_used_ == 0) {
    // The common case: whole packets, handled straight from the loop's buffer; only a
    // trailing partial packet is copied into the connection's own.
    const auto used = process({scratch.data(), n});
    if (state_ == State::closed) return;
    in_.assign(scratch.begin() + static_cast<std::ptrdiff_t>(used),
               scratch.begin() + static_cast<std::ptrdiff_t>(n));
    in_used_ = in_.size();
  } else {
    in_.resize(in_used_ + n);
    std::memcpy(in_.data() + in_used_, scratch.data(), n);
    in_used_ += n;
    if (!process_buffered()) return;
  }
  if (in_used_ == 0) std::vector<std::uint8_t>().swap(in_);  // idle: hold no buffer
  read();
}

void MqttConnection::on_read(boost::system::error_code ec, std::size_t n) {
  if (state_ == State::closed) return;
  if (ec) return close(ec == asio::error::eof ? "closed by client" : ec.message());
  in_used_ += n;
  last_packet_at_ = std::chrono::steady_clock::now();
  if (!process_buffered()) return;
  if (in_.size() > 65536 && in_used_ < 4096) in_.resize(4096);  // give back a big packet's room
  read();
}

bool MqttConnection::process_buffered() {
  const auto used = process({in_.data(), in_used_});
  if (state_ == State::closed) return false;
  std::memmove(in_.data(), in_.data() + used, in_used_ - used);
  in_used_ -= used;
  return true;
}

std::size_t MqttConnection::process(std::span<const std::uint8_t> bytes) {
  // Not even the first byte of a CONNECT: no need to wait for the rest of a "packet".
  if (state_ == State::awaiting_connect && !bytes.empty() && bytes[0] != 0x10) {
    close("first packet was not CONNECT");
    return 0;
  }
  std::size_t offset = 0;
  while (state_ != State::closed) {
    auto frame = mqtt::split_frame(bytes.subspan(offset), limits_);
    if (!frame) {
      disconnect(mqtt::reason_code(frame.error()), frame.error().message());
      break;
    }
    if (!*frame) break;
    try {
      handle_frame(**frame);
    } catch (const std::exception& e) {
      // A bug, not the client's fault: this connection ends, every other one goes on.
      worker_.state().metrics.count_handler_failure(FailureSite::mqtt);
      log::error("mqtt handler failed", {{"client_id", client_id_}, {"error", e.what()}});
      disconnect(mqtt::ReasonCode::implementation_specific_error, "internal error");
      break;
    }
    offset += (*frame)->size;
  }
  return offset;
}

void MqttConnection::handle_frame(const mqtt::Frame& frame) {
  if (state_ == State::awaiting_connect) {
    // The first packet must be CONNECT [MQTT-3.1.0-1].
    if (frame.type() != mqtt::PacketType::connect) return close("first packet was not CONNECT");
    auto packet = mqtt::decode(mqtt::ProtocolVersion::v311, frame);
    if (!packet) {
      version_ = mqtt::connect_reply_version(frame);
      const auto reason = mqtt::reason_code(packet.error());
      if (reason == mqtt::ReasonCode::unsupported_protocol_version)
        return refuse_connect(reason, packet.error().message());
      return close("malformed CONNECT: " + packet.error().message());
    }
    return handle_connect(std::get<mqtt::Connect>(*packet));
  }
  auto packet = mqtt::decode(version_, frame);
  if (!packet) return disconnect(mqtt::reason_code(packet.error()), packet.error().message());
  std::visit(
      [this](auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, mqtt::Publish>)
          handle_publish(p);
        else if constexpr (std::is_same_v<T, mqtt::Ack>)
          handle_ack(p);
        else if constexpr (std::is_same_v<T, mqtt::Subscribe>)
          handle_subscribe(p);
        else if constexpr (std::is_same_v<T, mqtt::Unsubscribe>)
          handle_unsubscribe(p);
        else if constexpr (std::is_same_v<T, mqtt::Pingreq>)
          send(mqtt::Pingresp{});
        else if constexpr (std::is_same_v<T, mqtt::Disconnect>)
          handle_disconnect(p);
        else if constexpr (std::is_same_v<T, mqtt::Auth>)
          disconnect(mqtt::ReasonCode::bad_authentication_method, "AUTH is not supported");
        else  // CONNECT again, or a packet only a server sends
          disconnect(mqtt::ReasonCode::protocol_error,
                     std::string(mqtt::name(mqtt::packet_type(p))) + " from a client");
      },
      *packet);
}

void MqttConnection::send(const mqtt::Packet& packet) {
  // After a DISCONNECT or a refusing CONNACK nothing more may follow, e.g. an acknowledgement
  // the journal releases meanwhile.
  if (state_ == State::closed || close_when_written_) return;
  if (auto encoded = mqtt::encode(version_, packet, out_); !encoded) {
    log::error("mqtt encode failed",
               {{"client_id", client_id_}, {"error", encoded.error().message()}});
    return;
  }
  if (const auto* ack = std::get_if<mqtt::Ack>(&packet);
      ack && ack->type == mqtt::PacketType::puback)
    ++pubacks_unsent_;
  start_write();
}

void MqttConnection::start_write() {
  if (state_ == State::closed) return;
  // A client that reads slower than it is sent to is cut off rather than buffered forever.
  if (out_.size() + writing_.size() > worker_.state().config.mqtt_max_unsent_bytes) {
    worker_.state().broker.stats().slow_consumers.fetch_add(1, std::memory_order_relaxed);
    return close("slow consumer: unsent bytes over mqtt_max_unsent_bytes");
  }
  if (writing_now_) return;
  if (out_.empty()) {
    if (close_when_written_) close("done");
    return;
  }
  writing_.swap(out_);
  out_.clear();
  pubacks_unsent_ = 0;
  writing_now_ = true;
  transport_->write(asio::buffer(writing_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_now_ = false;
                      if (ec) return self->close("write: " + ec.message());
                      self->writing_.clear();
                      // After a burst, an idle connection gives its big buffers back.
                      if (self->out_.empty() && self->writing_.capacity() > 16 * 1024) {
                        std::vector<std::uint8_t>().swap(self->writing_);
                        std::vector<std::uint8_t>().swap(self->out_);
                      }
                      self->start_write();
                    });
}

void MqttConnection::wake() {
  // Called with the session's lock held, from any thread: one flush per burst.
  if (wake_posted_.exchange(true)) return;
  worker_.schedule_flush(weak_from_this());
}

void MqttConnection::flush_now() {
  wake_posted_ = false;
  flush();
}

void MqttConnection::kick(std::uint8_t reason_code) {
  if (auto self = weak_from_this().lock()) {
    asio::post(worker_.io(), [self = std::move(self), reason_code] {
      self->disconnect(static_cast<mqtt::ReasonCode>(reason_code), "session taken over");
    });
  }
}

void MqttConnection::drain() {
  disconnect(mqtt::ReasonCode::server_shutting_down, "server shutting down");
}

void MqttConnection::tick(std::chrono::steady_clock::time_point now) {
  if (state_ == State::closed) return;
  const auto& config = worker_.state().config;
  if (state_ == State::awaiting_connect && now - opened_at_ > config.read_timeout)
    return close("no CONNECT within read_timeout");
  // One and a half keep-alive periods without a packet [MQTT-3.1.2-24].
  if (keep_alive_ > 0 && now - last_packet_at_ > std::chrono::milliseconds(keep_alive_ * 1500))
    return disconnect(mqtt::ReasonCode::keep_alive_timeout, "keep-alive timeout");
  if (identity_.claims) {
    auto valid = worker_.authenticator().still_valid(*identity_.claims, unix_now());
    if (!valid)
      return disconnect(mqtt::ReasonCode::not_authorized,
                        "client token " + std::string(auth::label(valid.error())));
  }
}

void MqttConnection::disconnect(mqtt::ReasonCode reason, std::string_view why) {
  if (state_ == State::closed) return;
  if (version_ == mqtt::ProtocolVersion::v5 && state_ == State::connected) {
    mqtt::Disconnect packet{.reason_code = reason, .properties = {}};
    packet.properties.reason_string = std::string(why);
    send(packet);
    close_after_write();
    log::info("mqtt disconnect",
              {{"client_id", client_id_}, {"reason", static_cast<int>(reason)}, {"why", why}});
    return;
  }
  close(why);
}

MqttConnection::TopicAliases& MqttConnection::aliases() {
  if (!aliases_) aliases_ = std::make_unique<TopicAliases>();
  return *aliases_;
}

void MqttConnection::close_after_write() {
  close_when_written_ = true;
  // Stop reading: nothing the client sends now changes anything.
  start_write();
}

void MqttConnection::close(std::string_view why) {
  if (state_ == State::closed) return;
  const bool was_connected = state_ == State::connected;
  state_ = State::closed;
  transport_->close();
  if (session_) {
    worker_.state().broker.detach(session_, this, std::move(will_));
    session_.reset();
  }
  if (was_connected)
    log::info("mqtt closed",
              {{"client_id", client_id_}, {"transport", transport_->name()}, {"why", why}});
}

}  // namespace popflow::net
