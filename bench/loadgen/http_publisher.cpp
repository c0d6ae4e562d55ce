#include "publisher.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

namespace bench {
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string render(const std::string& tmpl, const std::string& agent, std::uint64_t seq) {
  std::string out;
  out.reserve(tmpl.size() + 24);
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 7, "{agent}") == 0) {
      out += agent;
      i += 7;
    } else if (tmpl.compare(i, 5, "{seq}") == 0) {
      out += std::to_string(seq);
      i += 5;
    } else
      out += tmpl[i++];
  }
  return out;
}

namespace {

class HttpPublisher;

// One keep-alive connection; callback style rather than a coroutine so that the write is
// started inside try_publish, not after a post.
class HttpConnection {
 public:
  HttpConnection(asio::any_io_executor ex, HttpPublisher& owner) : socket_(ex), owner_(owner) {}
  awaitable<void> connect(const Endpoint& ep) { co_await connect_socket(socket_, ep); }
  void exchange(std::string request);

 private:
  void read_response();

  tcp::socket socket_;
  HttpPublisher& owner_;
  std::string request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Clock::time_point sent_at_;
};

class HttpPublisher : public Publisher {
 public:
  HttpPublisher(asio::any_io_executor ex, HttpTargetConfig config) : config_(std::move(config)) {
    for (int i = 0; i < config_.connections; ++i)
      connections_.push_back(std::make_unique<HttpConnection>(ex, *this));
  }

  awaitable<void> connect() override {
    for (auto& c : connections_) {
      co_await c->connect(config_.endpoint);
      idle_.push_back(c.get());
    }
  }

  bool try_publish(const std::string& agent, std::uint64_t seq) override {
    if (idle_.empty()) return false;
    HttpConnection* c = idle_.back();
    idle_.pop_back();
    std::string body = render(config_.body, agent, seq);
    std::string request = "POST " + render(config_.path, agent, seq) +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                          config_.headers + "Content-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body;
    c->exchange(std::move(request));
    return true;
  }

  void completed(HttpConnection* c, bool ok, std::uint64_t latency_ns) {
    idle_.push_back(c);
    if (on_done) on_done(ok, latency_ns);
  }

  void lost(HttpConnection*, const beast::error_code& ec, const char* what) {
    // The connection stays out of the pool; the first loss is said, the rest counted.
    if (failures++ == 0)
      std::fprintf(stderr, "popflow-bench: %s: %s\n", what, ec.message().c_str());
    if (on_done) on_done(false, 0);
  }

 private:
  HttpTargetConfig config_;
  std::vector<std::unique_ptr<HttpConnection>> connections_;
  std::vector<HttpConnection*> idle_;
};

void HttpConnection::exchange(std::string request) {
  request_ = std::move(request);
  sent_at_ = Clock::now();
  asio::async_write(socket_, asio::buffer(request_), [this](beast::error_code ec, std::size_t) {
    if (ec) return owner_.lost(this, ec, "write");
    read_response();
  });
}

void HttpConnection::read_response() {
  parser_.emplace();
  http::async_read(socket_, buffer_, *parser_, [this](beast::error_code ec, std::size_t) {
    if (ec) return owner_.lost(this, ec, "read");
    auto latency = static_cast<std::uint64_t>((Clock::now() - sent_at_).count());
    unsigned status = parser_->get().result_int();
    owner_.completed(this, status >= 200 && status < 300, latency);
  });
}

}  // namespace

std::unique_ptr<Publisher> make_http_publisher(asio::any_io_executor ex, HttpTargetConfig config) {
  return std::make_unique<HttpPublisher>(ex, std::move(config));
}

}  // namespace bench
