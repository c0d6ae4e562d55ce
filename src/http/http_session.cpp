#include "http/http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/beast/websocket/rfc6455.hpp>

#include "core/log.hpp"
#include "http/dispatch.hpp"
#include "http/framing.hpp"
#include "http/responses.hpp"
#include "http/run_wait.hpp"
#include "http/sse_session.hpp"
#include "net/tcp_transport.hpp"
#include "net/tls_accept.hpp"
#include "net/websocket_upgrade.hpp"

namespace popflow::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

bool is_mqtt_upgrade(const Request& request) {
  const auto target = request.target();
  return boost::beast::websocket::is_upgrade(request) &&
         target.substr(0, target.find('?')) == "/mqtt";
}

std::string_view buffered(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

boost::asio::ip::tcp::socket& socket_of(PlainStream& stream) {
  return stream;
}
boost::asio::ip::tcp::socket& socket_of(TlsStream& stream) {
  return beast::get_lowest_layer(stream).socket();
}

// Handing the connection's stream over: as a Transport (SSE) or to the WebSocket upgrade.
std::unique_ptr<net::Transport> to_transport(PlainStream& stream) {
  return std::make_unique<net::TcpTransport>(std::move(stream));
}

std::unique_ptr<net::Transport> to_transport(TlsStream& stream) {
  return std::make_unique<net::TlsTransport>(std::move(stream));
}

// The upgrade request outlives the session, whose arena holds its fields: copied out of it.
net::UpgradeRequest copy_upgrade(const Request& request) {
  net::UpgradeRequest copy{std::piecewise_construct, std::make_tuple(request.body()),
                           std::make_tuple(static_cast<const Fields&>(request))};
  copy.method(request.method());
  copy.version(request.version());
  return copy;
}

void upgrade_to_mqtt(PlainStream& stream, const Request& upgrade, net::Worker& worker) {
  net::accept_mqtt_websocket(std::move(stream), copy_upgrade(upgrade), worker);
}

void upgrade_to_mqtt(TlsStream& stream, const Request& upgrade, net::Worker& worker) {
  net::accept_mqtt_websocket(std::move(stream), copy_upgrade(upgrade), worker);
}

}  // namespace

void accept_http(boost::asio::ip::tcp::socket socket, net::Worker& worker) {
  std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), worker)->start();
}

void accept_https(boost::asio::ip::tcp::socket socket, net::Worker& worker) {
  net::accept_tls(std::move(socket), worker, [](TlsStream stream, net::Worker& w) {
    std::make_shared<HttpSession<TlsStream>>(std::move(stream), w)->start();
  });
}

std::string_view http_busy_response() {
  static const std::string kBusy = [] {
    const std::string body = R"({"status":"error","code":"too_many_connections",)"
                             R"("message":"the server is at its connection limit; retry shortly"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return kBusy;
}

template <class Stream>
HttpSession<Stream>::HttpSession(Stream stream, net::Worker& worker)
    : stream_(std::move(stream)), worker_(worker), watchdog_(worker.io()) {
  worker_.state().metrics.connection_opened(net::ConnectionKind::http);
}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  worker_.remove(registration_);
  worker_.state().metrics.connection_closed(net::ConnectionKind::http);
  // An upgraded connection is still open and counted: the SseSession releases it.
  if (!upgraded_) worker_.state().connections.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void HttpSession<Stream>::start() {
  registration_ = worker_.add(this->weak_from_this());
  boost::system::error_code ignored;
  socket_of(stream_).set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket_of(stream_).non_blocking(true, ignored);  // for write_now(); Asio's async ops agree
  const auto remote = socket_of(stream_).remote_endpoint(ignored);
  if (!ignored) peer_ = remote.address().to_string();
  now_ = std::chrono::steady_clock::now();
  watch();
  wait_for_request();
}

// Timeouts without a timer per operation: Beast's tcp_stream would arm one and cancel it on
// every read and write, and each cancellation runs a handler (~3k instructions a request,
// bench/callgrind.sh). Instead each phase sets deadline_, and this watchdog, ticking at a
// quarter of the shortest timeout (at most once a second), closes the socket once it has
// passed; the pending operation then fails and the connection closes (after a 408 when a
// request was arriving).
template <class Stream>
void HttpSession<Stream>::watch() {
  const auto& config = worker_.state().config;
  const auto tick = std::clamp<std::chrono::steady_clock::duration>(
      std::min(config.read_timeout, config.idle_timeout) / 4, std::chrono::milliseconds(10),
      std::chrono::seconds(1));
  watchdog_.expires_after(tick);
  // Weak: the watchdog must not keep a finished connection alive until its next tick.
  watchdog_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->upgraded_) return;
    if (std::chrono::steady_clock::now() < self->deadline_) return self->watch();
    self->timed_out_ = true;
    if (!self->reading_) return self->close();
    // A request has started arriving: its pending read fails, and it is answered 408
    // (answer_read_error) before the close; the answer's write has a deadline of its own.
    self->deadline_ = std::chrono::steady_clock::time_point::max();
    boost::system::error_code ignored;
    socket_of(self->stream_).cancel(ignored);
    self->watch();
  });
}

// From now_: the clock is read when a request is complete and when it is answered, and the
// deadlines in between count from there (each read is ~100 instructions; their drift is
// microseconds against timeouts of seconds).
template <class Stream>
void HttpSession<Stream>::expire_in(std::chrono::steady_clock::duration timeout) {
  deadline_ = now_ + timeout;
}

template <class Stream>
void HttpSession<Stream>::drain() {
  draining_ = true;
  if (idle_) close();
}

// Waits up to idle_timeout for the first byte of the next request. Bytes already
// buffered (a pipelined request) skip the wait.
template <class Stream>
void HttpSession<Stream>::wait_for_request() {
  // The last request and its answer are done with: their fields go, and the arena is empty
  // again before the next request.
  parser_.reset();
  response_.reset();
  arena_.release();
  idle_ = true;
  buffer_.consume(leading_empty_lines(buffered(buffer_)));
  if (buffer_.size() > 0) return read_request();
  expire_in(worker_.state().config.idle_timeout);
  wait_for_first_byte();
}

template <class Stream>
void HttpSession<Stream>::wait_for_first_byte() {
  stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](
                                                     beast::error_code ec, std::size_t n) {
    if (ec) return self->close();  // idle timeout or peer closed: nothing to answer
    self->buffer_.commit(n);
    // Empty lines before a request line are no request yet (RFC 9112 2.2): still idle,
    // with the same deadline.
    self->buffer_.consume(leading_empty_lines(buffered(self->buffer_)));
    if (self->buffer_.size() == 0) return self->wait_for_first_byte();
    self->read_request();
  });
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  idle_ = false;
  const auto& config = worker_.state().config;
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(FieldsAllocator(&arena_)));
  parser_->header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
  parser_->body_limit(config.max_body_bytes);
  // Header first: put() stops after it, so it is checked before a byte of the body is
  // taken (parse()); then eager, to the end of the message.
  parser_->eager(false);
  lf_checked_ = 0;
  parse();
}

// Parses what is buffered, and reads more until the request is whole. The whole request
// is almost always in the buffer already: parsed here, it costs no asynchronous operation
// (async_read would post twice and re-arm the timer, ~9k instructions a request,
// bench/callgrind.sh). Stopping after the header costs one more put() call, and its
// checks ~450 instructions (framing.hpp).
template <class Stream>
void HttpSession<Stream>::parse() {
  beast::error_code ec;
  for (;;) {
    if (!parser_->got_some()) buffer_.consume(leading_empty_lines(buffered(buffer_)));  // 2.2
    const bool header_was_done = parser_->is_header_done();
    const auto used = parser_->put(buffer_.data(), ec);
    if (header_was_done || !parser_->is_header_done()) {
      buffer_.consume(used);
      lf_checked_ = used < lf_checked_ ? lf_checked_ - used : 0;
      break;
    }
    if (header_refused(used)) return;  // refused: the parser's bytes are its answer's
    buffer_.consume(used);
    lf_checked_ = 0;
    parser_->eager(true);
    if (ec || parser_->is_done()) break;
    // Expect: 100-continue, and none of the body is here yet: the client waits for a word.
    if (expect_continue_ && buffer_.size() == 0) return send_continue();
  }
  if (ec != bhttp::error::need_more && (ec || parser_->is_done())) return on_read(ec);
  // What the parser left waits for a CRLF: with a bare LF in it, it would wait for good.
  const auto pending = buffered(buffer_);
  if (find_bare_lf(pending, lf_checked_) != std::string_view::npos)
    return refuse(
        bad_request("bare_lf", "a line of the request ends with LF alone; end lines with CRLF"));
  lf_checked_ = pending.size();
  read_more();
}

// The header's checks (framing.hpp), on the bytes the parser took for it, still in buffer_.
template <class Stream>
bool HttpSession<Stream>::header_refused(std::size_t header_bytes) {
  auto& request = parser_->get();
  auto verdict = check_header(buffered(buffer_).substr(0, header_bytes), request);
  if (verdict.problem) {
    refuse(std::move(*verdict.problem));
    return true;
  }
  if (verdict.close_after) request.keep_alive(false);  // the answer will say close
  expect_continue_ = verdict.expect == Expectation::continue_100;
  return false;
}

template <class Stream>
void HttpSession<Stream>::read_more() {
  if (!reading_) {
    // The deadline counts from here: the first bytes may have come after a long wait.
    reading_ = true;
    now_ = std::chrono::steady_clock::now();
    expire_in(worker_.state().config.read_timeout);
  }
  stream_.async_read_some(
      buffer_.prepare(beast::read_size(buffer_, 65536)),
      [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
        self->buffer_.commit(n);
        // The watchdog cancelled the read (or came just after it completed): 408.
        if (self->timed_out_) return self->on_read(beast::error::timeout);
        if (ec == boost::asio::error::eof) {
          self->parser_->put_eof(ec);  // end_of_stream before a byte, partial_message after
          return self->on_read(ec ? ec : bhttp::error::partial_message);
        }
        if (ec) return self->on_read(ec);
        self->parse();
      });
}

// The interim answer Expect: 100-continue asks for before the body (RFC 9110 10.1.1);
// clients such as curl and .NET otherwise wait up to a second before sending it.
template <class Stream>
void HttpSession<Stream>::send_continue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  reading_ = true;  // the body must arrive within read_timeout from now
  now_ = std::chrono::steady_clock::now();
  expire_in(worker_.state().config.read_timeout);
  boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec || self->timed_out_) return self->close();
                             self->read_more();
                           });
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec) {
  begin_answer();
  if (ec) return answer_read_error(ec);
  handle();
}

template <class Stream>
void HttpSession<Stream>::begin_answer() {
  reading_ = false;
  deadline_ = std::chrono::steady_clock::time_point::max();  // we owe the answer now
  now_ = std::chrono::steady_clock::now();
  started_ = now_;
  request_id_ = worker_.next_request_id();
  info_ = {};
  info_.peer = peer_;
}

// A request refused on its header: answered, then the connection is closed, as where its
// body (if any) ends is unknown or its bytes are unread.
template <class Stream>
void HttpSession<Stream>::refuse(Problem problem) {
  begin_answer();
  answer_problem(std::move(problem));
}

template <class Stream>
void HttpSession<Stream>::answer_problem(Problem problem) {
  Request request;
  request.version(11);
  request.keep_alive(false);
  info_.refusal = problem.code;
  send(make_problem(request, problem));
}

// A request we could not read whole still deserves an answer saying why, when the
// connection is usable; then it is closed, as the rest of the stream is unparseable.
template <class Stream>
void HttpSession<Stream>::answer_read_error(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::eof || ec == bhttp::error::partial_message)
    return close();
  const auto& config = worker_.state().config;
  if (ec == beast::error::timeout) {
    // Only a request that had started arriving: an idle connection just closes.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(config.read_timeout);
    return answer_problem({408, "request_timeout",
                           "the request did not arrive whole within read_timeout (" +
                               std::to_string(ms.count()) + " ms)",
                           ""});
  }
  if (ec == bhttp::error::body_limit)
    return answer_problem(too_large("the body is larger than " +
                                    std::to_string(config.max_body_bytes) +
                                    " bytes; send less interaction data"));
  if (ec == bhttp::error::header_limit)
    return answer_problem({431, "headers_too_large",
                           "the request line and headers exceed " +
                               std::to_string(config.max_header_bytes) + " bytes",
                           ""});
  if (ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_content_length ||
      ec == bhttp::error::multiple_content_length)
    return answer_problem(bad_request("bad_content_length",
                                      "the body's length is ambiguous: send one Content-Length, "
                                      "or Transfer-Encoding: chunked without it"));
  answer_problem(
      bad_request("malformed_request", "the request is not valid HTTP/1.1 (" + ec.message() + ")"));
}

template <class Stream>
void HttpSession<Stream>::handle() {
  const Request& request = parser_->get();
  if (is_mqtt_upgrade(request)) {
    // MQTT over WebSocket: the socket and the upgrade request move to the broker side.
    info_.route = net::Route::mqtt;
    access_log(101);
    upgraded_ = true;
    watchdog_.cancel();
    return upgrade_to_mqtt(stream_, request, worker_);
  }
  auto outcome = dispatch_guarded(request);
  if (auto* response = std::get_if<Response>(&outcome)) {
    if (draining_) response->keep_alive(false);
    return send(std::move(*response));
  }
  if (auto* pending = std::get_if<PendingTrigger>(&outcome))
    return send_when_written(std::move(*pending));
  if (auto* deferred = std::get_if<Deferred>(&outcome))
    return send_when_ready(std::move(*deferred));
  // The request opened an event stream: the socket moves to an SseSession for good.
  auto head = sse_response_head(request, worker_.state().config, request_id_);
  access_log(200);
  upgraded_ = true;
  watchdog_.cancel();
  auto sse = std::make_shared<SseSession>(to_transport(stream_), worker_,
                                          std::move(std::get<SubscribeRequest>(outcome)));
  sse->start(std::move(head));
}

// A handler that throws is a bug, not the client's fault: the request gets a 500 and this
// connection closes (its state is not to be trusted); every other connection of the loop goes
// on. The outcome is returned, never assigned: assigning a Response whose fields live in
// another allocator copies every field (~3k instructions a request, bench/callgrind.sh).
template <class Stream>
Outcome HttpSession<Stream>::dispatch_guarded(const Request& request) {
  try {
    return dispatch(request, worker_, info_);
  } catch (const std::exception& error) {
    worker_.state().metrics.count_handler_failure(net::FailureSite::http);
    log::error("request handler failed", {{"request_id", request_id_}, {"error", error.what()}});
    info_.refusal = "internal_error";
    auto response =
        make_problem(request, {500, "internal_error",
                               "the server failed to handle this request; retry it, and report the "
                               "X-Request-Id if it persists",
                               ""});
    response.keep_alive(false);
    return response;
  }
}

template <class Stream>
void HttpSession<Stream>::send(Response response) {
  response_.emplace(std::move(response));
  write_response();
}

template <class Stream>
void HttpSession<Stream>::write_response() {
  response_->set(bhttp::field::server, "popflow-connect");
  response_->set("X-Request-Id", request_id_);
  access_log(response_->result_int());
  const bool keep_alive = response_->keep_alive();
  expire_in(worker_.state().config.read_timeout);
  // The answer to HEAD is GET's without its body (a read error's too, when the request
  // line said HEAD).
  const bool head = parser_ && parser_->get().method() == bhttp::verb::head;
  write_wire_bytes(*response_, wire_, !head);
  if (write_now(keep_alive)) return;
  boost::asio::async_write(
      stream_, boost::asio::buffer(wire_),
      [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
        self->now_ = std::chrono::steady_clock::now();
        self->on_write(ec, keep_alive);
      });
}

// An answer usually fits the socket's send buffer whole: written at once, it completes
// without an asynchronous operation and its handler (~3k instructions a request,
// bench/callgrind.sh). True when the answer is written, or failed; false leaves what is
// left of wire_ to async_write. Plain connections only: TLS records need the stream.
template <class Stream>
bool HttpSession<Stream>::write_now(bool keep_alive) {
  if constexpr (!std::is_same_v<Stream, PlainStream>) {
    return false;
  } else {
    beast::error_code ec;
    const auto written = stream_.write_some(boost::asio::buffer(wire_), ec);
    if (ec == boost::asio::error::would_block || (!ec && written < wire_.size())) {
      wire_.erase(0, written);
      return false;
    }
    // The next request may be buffered already (pipelining): continuing from a posted
    // handler keeps a long pipeline from recursing through send() and on_write().
    if (ec || buffer_.size() == 0) {
      on_write(ec, keep_alive);
    } else {
      boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), keep_alive] {
        self->on_write({}, keep_alive);
      });
    }
    return true;
  }
}

// A trigger queued for a persistent session is answered once the journal has committed it,
// so a 200 means it survives a crash. The journal calls back on its own thread; the trigger
// waits in pending_ (its answer's fields are in this session's arena, so they stay with it).
template <class Stream>
void HttpSession<Stream>::send_when_written(PendingTrigger pending) {
  const auto seq = pending.journal_seq;
  auto to_other_nodes = std::move(pending.to_other_nodes);
  pending_.emplace(std::move(pending));
  settled_ = {};
  awaiting_ = (seq != 0 ? 1 : 0) + (to_other_nodes ? 1 : 0);
  if (awaiting_ == 0) return answer_written();  // nothing to wait for: a Popflow-Wait trigger
  // Each wait reports from its own thread; the handler is posted to this session's loop, and
  // `self` moves into it: the session's last reference must never be dropped on the journal's
  // or the backplane's thread (its destructor belongs to its worker).
  auto report = [self = this->shared_from_this()](bool ok, bool Settled::*which) mutable {
    auto executor = self->stream_.get_executor();
    boost::asio::post(executor, [self = std::move(self), ok, which] {
      self->settled_.*which = self->settled_.*which && ok;
      if (--self->awaiting_ == 0) self->answer_written();
    });
  };
  if (to_other_nodes)
    worker_.state().backplane->publish(
        to_other_nodes, [report](bool handed) mutable { report(handed, &Settled::handed); });
  if (seq != 0)
    worker_.state().broker.journal()->when_written(
        seq, [report](bool written) mutable { report(written, &Settled::written); });
}

// The handler's work runs elsewhere (the admin service's store thread, Redis) and answers
// from there: the answer is posted back to this session's loop, which owns it; a trigger
// published there is settled here like one published at once.
template <class Stream>
void HttpSession<Stream>::send_when_ready(Deferred deferred) {
  deferred.start([self = this->shared_from_this()](Later later) mutable {
    auto executor = self->stream_.get_executor();
    boost::asio::post(executor, [self = std::move(self), later = std::move(later)]() mutable {
      self->now_ = std::chrono::steady_clock::now();
      if (auto* pending = std::get_if<PendingTrigger>(&later))
        return self->send_when_written(std::move(*pending));
      auto& response = std::get<Response>(later);
      if (self->draining_) response.keep_alive(false);
      self->send(std::move(response));
    });
  });
}

template <class Stream>
void HttpSession<Stream>::answer_written() {
  // Copied before settling: a waited trigger's Idempotency-Key is completed by the wait.
  auto wait = pending_->wait;
  if (wait) wait->idempotency = pending_->idempotency;
  auto settled =
      settle_trigger(parser_->get(), std::move(*pending_), settled_, worker_.state(), info_);
  pending_.reset();
  if (wait && settled.result_int() == 200)
    return send_when_ready(await_run(std::move(settled), std::move(*wait), worker_));
  response_.emplace(std::move(settled));
  if (draining_) response_->keep_alive(false);
  write_response();
}

template <class Stream>
void HttpSession<Stream>::on_write(beast::error_code ec, bool keep_alive) {
  if (ec) return close();
  if (!keep_alive || draining_) return linger();
  wait_for_request();
}

template <class Stream>
void HttpSession<Stream>::access_log(unsigned status) {
  now_ = std::chrono::steady_clock::now();
  const auto elapsed = now_ - started_;
  worker_.state().metrics.count_request(info_.route, status, elapsed);
  const bool operational = info_.route == net::Route::health || info_.route == net::Route::metrics;
  if (!worker_.state().config.access_log || (operational && status < 400)) return;
  // Never the target: its query string may hold an API key (GET triggers, ?token=).
  boost::json::object fields{
      {"request_id", request_id_},
      {"route", to_string(info_.route)},
      {"status", status},
      {"latency_us", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()}};
  if (parser_) fields.emplace("method", parser_->get().method_string());
  if (!info_.customer.empty()) fields.emplace("customer", info_.customer);
  if (!info_.agent.empty()) fields.emplace("agent", info_.agent);
  if (!info_.event.empty()) fields.emplace("event", info_.event);
  if (!info_.message_id.empty()) fields.emplace("message_id", info_.message_id);
  if (!info_.refusal.empty()) fields.emplace("code", info_.refusal);
  log::info("request", fields);
}

template <class Stream>
void HttpSession<Stream>::close() {
  beast::error_code ignored;
  auto& socket = socket_of(stream_);
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  watchdog_.cancel();
}

// Closing with bytes of the client's still unread makes the kernel reset the connection,
// which can destroy the answer just sent (a 413 for a body that is still arriving). So the
// sending side is shut first, and what the client still sends is read and dropped until it
// closes too, or for a second at most.
template <class Stream>
void HttpSession<Stream>::linger() {
  beast::error_code ignored;
  socket_of(stream_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  expire_in(std::chrono::seconds(1));
  buffer_.clear();
  linger_more();
}

template <class Stream>
void HttpSession<Stream>::linger_more() {
  socket_of(stream_).async_read_some(
      buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close();  // the client closed, or the second is up
        self->linger_more();
      });
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace popflow::http
