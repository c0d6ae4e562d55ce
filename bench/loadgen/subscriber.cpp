#include "subscriber.hpp"

#include "mqtt_codec.hpp"

#include <stdexcept>

namespace bench {
using asio::use_awaitable;

Protocol parse_protocol(const std::string& name) {
  if (name == "mqtt") return Protocol::mqtt;
  if (name == "mqtt-ws") return Protocol::mqtt_ws;
  if (name == "sse") return Protocol::sse;
  if (name == "nchan-ws") return Protocol::nchan_ws;
  throw std::invalid_argument("unknown protocol " + name);
}

namespace {

class SubscriberImpl : public Subscriber {
 public:
  SubscriberImpl(asio::any_io_executor ex, SubscriberConfig config, std::string topic,
                 std::string client_id, Tracker* tracker, SubscriberCounts& counts)
      : ex_(ex),
        config_(std::move(config)),
        topic_(std::move(topic)),
        client_id_(std::move(client_id)),
        tracker_(tracker),
        counts_(counts) {
    bool ws = config_.protocol == Protocol::mqtt_ws || config_.protocol == Protocol::nchan_ws;
    transport_ = ws ? make_ws_transport(ex_, config_.protocol == Protocol::mqtt_ws)
                    : make_tcp_transport(ex_);
    asio::co_spawn(ex_, run(), [this](std::exception_ptr e) {
      if (e && !done_) ++counts_.failed;
    });
  }

 private:
  awaitable<void> run() {
    Endpoint ep = config_.endpoint;
    if (config_.protocol == Protocol::mqtt_ws) {
      ep.path = "/mqtt";
      ep.subprotocol = "mqtt";
    }
    if (config_.protocol == Protocol::nchan_ws) ep.path = "/sub?id=" + topic_;
    co_await transport_->connect(ep);
    switch (config_.protocol) {
      case Protocol::mqtt:
      case Protocol::mqtt_ws:
        co_await run_mqtt();
        break;
      case Protocol::sse:
        co_await run_sse();
        break;
      case Protocol::nchan_ws:
        co_await run_nchan();
        break;
    }
  }

  void deliver(std::string_view payload) {
    if (tracker_)
      tracker_->on_payload(payload);
    else
      ++counts_.stray;
  }

  awaitable<void> run_mqtt() {
    std::string out;
    mqtt::append_connect(out, client_id_, config_.token.empty() ? "" : config_.username,
                         config_.token, config_.keepalive_s, !config_.persistent);
    mqtt::append_subscribe(out, 1, topic_, config_.qos);
    send(std::move(out));
    if (config_.keepalive_s > 0) asio::co_spawn(ex_, ping_loop(), asio::detached);
    mqtt::Decoder decoder;
    for (;;) {
      std::string_view data = co_await transport_->read();
      std::string acks;
      bool ok = decoder.feed(data, [&](const mqtt::Packet& p) {
        switch (p.type()) {
          case mqtt::Type::connack:
            if (p.body.size() < 2 || p.body[1] != 0) throw std::runtime_error("CONNACK refused");
            break;
          case mqtt::Type::suback:
            if (p.body.size() < 3 || static_cast<std::uint8_t>(p.body[2]) == 0x80)
              throw std::runtime_error("SUBACK refused");
            ++counts_.ready;
            break;
          case mqtt::Type::publish: {
            mqtt::Publish pub;
            if (!mqtt::parse_publish(p, pub)) throw std::runtime_error("bad PUBLISH");
            deliver(pub.payload);
            // One write carries the PUBACKs of everything this read brought.
            if (pub.qos == 1) mqtt::append_puback(acks, pub.packet_id);
            break;
          }
          default:
            break;
        }
      });
      if (!ok) throw std::runtime_error("malformed MQTT");
      if (!acks.empty()) send(std::move(acks));
    }
  }

  // Keep-alive: a PINGREQ every half keep-alive so idle connections are not dropped.
  awaitable<void> ping_loop() {
    asio::steady_timer timer(ex_);
    for (;;) {
      timer.expires_after(std::chrono::seconds(config_.keepalive_s) / 2);
      co_await timer.async_wait(use_awaitable);
      std::string ping;
      mqtt::append_pingreq(ping);
      send(std::move(ping));
    }
  }

  awaitable<void> run_sse() {
    std::string request =
        "GET /api/subscribe?topic=" + topic_ + " HTTP/1.1\r\nHost: " + config_.endpoint.host +
        "\r\nAccept: text/event-stream\r\n" + "Authorization: Bearer " + config_.token + "\r\n\r\n";
    co_await transport_->write(request);
    std::string pending;
    bool headers_done = false;
    for (;;) {
      std::string_view data = co_await transport_->read();
      pending.append(data);
      if (!headers_done) {
        auto end = pending.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (pending.compare(0, 12, "HTTP/1.1 200") != 0) throw std::runtime_error("SSE refused");
        headers_done = true;
        pending.erase(0, end + 4);
      }
      // Events are lines; only whole lines are looked at, the tail waits for more bytes.
      std::size_t start = 0, nl;
      while ((nl = pending.find('\n', start)) != std::string::npos) {
        std::string_view line(pending.data() + start, nl - start);
        // The server's ": subscribed" comment says the subscription is in place.
        if (line.starts_with(": subscribed"))
          ++counts_.ready;
        else if (line.starts_with("data:"))
          deliver(line);
        start = nl + 1;
      }
      pending.erase(0, start);
    }
  }

  awaitable<void> run_nchan() {
    ++counts_.ready;  // nchan subscribes during the upgrade
    for (;;) deliver(co_await transport_->read());
  }

  // Writes are queued: a PUBACK batch and a PINGREQ may be due while a write is pending.
  void send(std::string bytes) {
    out_.append(bytes);
    if (!writing_) asio::co_spawn(ex_, flush(), asio::detached);
  }

  awaitable<void> flush() {
    writing_ = true;
    try {
      while (!out_.empty()) {
        std::string now;
        now.swap(out_);
        co_await transport_->write(now);
      }
    } catch (const std::exception&) {
      transport_->close();  // the read loop fails next and counts it
    }
    writing_ = false;
  }

  asio::any_io_executor ex_;
  SubscriberConfig config_;
  std::string topic_, client_id_;
  Tracker* tracker_;
  SubscriberCounts& counts_;
  std::unique_ptr<Transport> transport_;
  std::string out_;
  bool writing_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Subscriber> Subscriber::start(asio::any_io_executor ex, SubscriberConfig config,
                                              std::string topic, std::string client_id,
                                              Tracker* tracker, SubscriberCounts& counts) {
  return std::make_unique<SubscriberImpl>(ex, std::move(config), std::move(topic),
                                          std::move(client_id), tracker, counts);
}

}  // namespace bench
