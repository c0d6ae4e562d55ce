#pragma once
// One HTTP/1.1 connection, plain or TLS: reads requests one after another (keep-alive,
// pipelining), answers each through dispatch(), and hands its stream to an SseSession when a
// request opens an event stream, or to the MQTT side on a /mqtt WebSocket upgrade.
//
// Limits: headers over Config::max_header_bytes get 431, bodies over max_body_bytes 413;
// a request must arrive whole within read_timeout once its first byte has (slowloris: 408),
// and an idle keep-alive connection is closed after idle_timeout. The header is checked
// (framing.hpp) before the body is read. Both are enforced by one
// coarse watchdog per connection (see watch()), up to a quarter of the timeout late.
//
// Threads: lives on one worker; every handler runs on that worker's thread.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/container/pmr/monotonic_buffer_resource.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "core/problem.hpp"
#include "http/connect_api.hpp"
#include "http/dispatch.hpp"
#include "http/request_info.hpp"
#include "http/types.hpp"
#include "net/worker.hpp"

namespace popflow::http {

// The net::Listener hooks for the HTTP and HTTPS ports: start a session on an accepted
// socket, and the answer a connection gets when the server is at Config::max_connections.
void accept_http(boost::asio::ip::tcp::socket socket, net::Worker& worker);
void accept_https(boost::asio::ip::tcp::socket socket, net::Worker& worker);
std::string_view http_busy_response();

// A plain socket, not Beast's tcp_stream: timeouts are the session's own (see watch()).
using PlainStream = boost::asio::ip::tcp::socket;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Instantiated for PlainStream and TlsStream (http_session.cpp).
template <class Stream>
class HttpSession : public net::Drainable,
                    public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, net::Worker& worker);
  ~HttpSession() override;

  void start();
  void drain() override;

 private:
  void watch();
  void expire_in(std::chrono::steady_clock::duration timeout);
  void wait_for_request();
  void wait_for_first_byte();
  void read_request();
  void parse();
  bool header_refused(std::size_t header_bytes);
  void read_more();
  void send_continue();
  void on_read(boost::beast::error_code ec);
  void begin_answer();
  void refuse(Problem problem);
  void answer_problem(Problem problem);
  void answer_read_error(boost::beast::error_code ec);
  void handle();
  void send(Response response);
  void write_response();  // response_
  bool write_now(bool keep_alive);
  void send_when_written(PendingTrigger pending);
  void send_when_ready(Deferred deferred);
  Outcome dispatch_guarded(const Request& request);
  void answer_written();  // every wait of pending_ reported, into settled_
  void on_write(boost::beast::error_code ec, bool keep_alive);
  void access_log(unsigned status);
  void close();
  void linger();  // close after an answer, without resetting the connection
  void linger_more();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  // Fields of the request being answered and of its answer (see types.hpp); declared before
  // them, as it must outlive them. A trigger's request and answer fit in the buffer (~1.2 KiB
  // with a key in the Authorization header); larger ones take heap blocks until the next
  // release().
  std::array<std::byte, 2048> arena_buffer_;
  boost::container::pmr::monotonic_buffer_resource arena_{arena_buffer_.data(),
                                                          arena_buffer_.size()};
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body, FieldsAllocator>>
      parser_;
  std::optional<Response> response_;
  std::optional<PendingTrigger> pending_;  // a trigger waiting for the journal and/or Redis
  Settled settled_{};                      // what its waits reported so far
  int awaiting_ = 0;                       // its waits still to report
  std::string wire_;                       // response_ serialized, while it is being written
  net::Worker& worker_;
  boost::asio::steady_timer watchdog_;
  std::chrono::steady_clock::time_point now_;  // when the session last read the clock
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timed_out_ = false;
  bool reading_ = false;  // a request has started arriving: a timeout gets a 408
  bool expect_continue_ = false;
  std::size_t lf_checked_ = 0;  // bytes of buffer_ find_bare_lf() has already looked at
  std::uint64_t registration_ = 0;
  bool idle_ = true;  // waiting for a request's first byte: safe to close at shutdown
  bool draining_ = false;
  bool upgraded_ = false;  // the stream now belongs to an SseSession or MQTT connection

  // The request being answered, for the access log.
  std::chrono::steady_clock::time_point started_;
  std::string request_id_;
  std::string peer_;  // the client's address
  RequestInfo info_;
};

}  // namespace popflow::http
