#include "publisher.hpp"

#include "mqtt_codec.hpp"

#include <chrono>
#include <deque>
#include <vector>

namespace bench {
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class MqttPublisher;

// One publishing connection with up to `window` QoS 1 PUBLISHes awaiting PUBACK. PUBACKs
// arrive in order on one connection (mosquitto and our broker both answer in order), so a
// FIFO of send times is enough to time each one.
class MqttPubConnection {
 public:
  MqttPubConnection(asio::any_io_executor ex, MqttPublisher& owner, int index)
      : socket_(ex), owner_(owner), index_(index) {}
  awaitable<void> connect(const Endpoint& ep);
  void publish(const std::string& topic, const std::string& payload);
  std::size_t in_flight() const { return sent_at_.size(); }

 private:
  void write_pending();
  void read_loop();

  tcp::socket socket_;
  MqttPublisher& owner_;
  int index_;
  std::string writing_, pending_;
  std::array<char, 16384> buffer_;
  mqtt::Decoder decoder_;
  std::deque<Clock::time_point> sent_at_;
  std::uint16_t next_id_ = 1;
};

class MqttPublisher : public Publisher {
 public:
  MqttPublisher(asio::any_io_executor ex, MqttTargetConfig config) : config_(std::move(config)) {
    for (int i = 0; i < config_.connections; ++i)
      connections_.push_back(std::make_unique<MqttPubConnection>(ex, *this, i));
  }

  awaitable<void> connect() override {
    for (auto& c : connections_) co_await c->connect(config_.endpoint);
  }

  bool try_publish(const std::string& agent, std::uint64_t seq) override {
    // Round robin over connections with room in their window.
    for (std::size_t tried = 0; tried < connections_.size(); ++tried) {
      auto& c = connections_[next_++ % connections_.size()];
      if (c->in_flight() < static_cast<std::size_t>(config_.window)) {
        c->publish(render(config_.topic, agent, seq), render(config_.payload, agent, seq));
        return true;
      }
    }
    return false;
  }

  void acked(std::uint64_t latency_ns) {
    if (on_done) on_done(true, latency_ns);
  }
  void lost() {
    ++failures;
    if (on_done) on_done(false, 0);
  }

 private:
  MqttTargetConfig config_;
  std::vector<std::unique_ptr<MqttPubConnection>> connections_;
  std::size_t next_ = 0;
};

awaitable<void> MqttPubConnection::connect(const Endpoint& ep) {
  co_await connect_socket(socket_, ep);
  std::string hello;
  mqtt::append_connect(hello, "bench-pub-" + std::to_string(index_), "", "", 0);
  co_await asio::async_write(socket_, asio::buffer(hello), use_awaitable);
  read_loop();  // the CONNACK is read there; it comes before any PUBACK
}

void MqttPubConnection::publish(const std::string& topic, const std::string& payload) {
  if (++next_id_ == 0) next_id_ = 1;
  mqtt::append_publish(pending_, topic, payload, 1, next_id_);
  sent_at_.push_back(Clock::now());
  if (writing_.empty()) write_pending();
}

void MqttPubConnection::write_pending() {
  writing_.swap(pending_);
  asio::async_write(socket_, asio::buffer(writing_),
                    [this](boost::system::error_code ec, std::size_t) {
                      if (ec) return owner_.lost();
                      writing_.clear();
                      if (!pending_.empty()) write_pending();
                    });
}

void MqttPubConnection::read_loop() {
  socket_.async_read_some(
      asio::buffer(buffer_), [this](boost::system::error_code ec, std::size_t n) {
        if (ec) return owner_.lost();
        decoder_.feed(std::string_view(buffer_.data(), n), [this](const mqtt::Packet& p) {
          if (p.type() != mqtt::Type::puback || sent_at_.empty()) return;
          auto latency = static_cast<std::uint64_t>((Clock::now() - sent_at_.front()).count());
          sent_at_.pop_front();
          owner_.acked(latency);
        });
        read_loop();
      });
}

}  // namespace

std::unique_ptr<Publisher> make_mqtt_publisher(asio::any_io_executor ex, MqttTargetConfig config) {
  return std::make_unique<MqttPublisher>(ex, std::move(config));
}

}  // namespace bench
