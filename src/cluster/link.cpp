#include "cluster/link.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <charconv>

#include "cluster/command.hpp"
#include "core/log.hpp"

namespace popflow::cluster {

namespace asio = boost::asio;
using boost::system::error_code;

Link::Link(asio::any_io_executor executor, RedisUrl url, LinkOptions options, Handler& handler)
    : executor_(executor),
      url_(std::move(url)),
      options_(std::move(options)),
      handler_(&handler),
      resolver_(executor),
      socket_(executor),
      timer_(executor),
      jitter_(std::random_device{}()) {}

void Link::start() {
  if (phase_ == Phase::idle) connect();
}

void Link::close() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  handler_ = nullptr;
  ++generation_;
  resolver_.cancel();
  timer_.cancel();
  error_code ignored;
  socket_.close(ignored);
}

void Link::connect() {
  phase_ = Phase::connecting;
  const auto generation = ++generation_;
  arm_deadline(generation);
  if (url_.sentinels.empty()) return open(url_.host, url_.port, generation, &Link::on_connected);
  const auto& sentinel = url_.sentinels[next_sentinel_++ % url_.sentinels.size()];
  open(sentinel.host, sentinel.port, generation, &Link::ask_sentinel);
}

void Link::arm_deadline(std::uint64_t generation) {
  timer_.expires_after(options_.connect_timeout);
  timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    // The deadline: closing the socket aborts the resolve, connect or handshake read still
    // under way, whose completion then fails the attempt.
    if (ec || generation != self->generation_ ||
        (self->phase_ != Phase::connecting && self->phase_ != Phase::discovering &&
         self->phase_ != Phase::handshaking))
      return;
    self->resolver_.cancel();
    error_code ignored;
    self->socket_.close(ignored);
  });
}

void Link::open(const std::string& host, std::uint16_t port, std::uint64_t generation,
                void (Link::*connected)(std::uint64_t)) {
  resolver_.async_resolve(host, std::to_string(port),
                          [self = shared_from_this(), generation, connected](
                              error_code ec, asio::ip::tcp::resolver::results_type results) {
                            if (generation != self->generation_) return;
                            if (ec) return self->fail(ec);
                            asio::async_connect(self->socket_, results,
                                                [self, generation, connected](
                                                    error_code ec, const asio::ip::tcp::endpoint&) {
                                                  if (generation != self->generation_) return;
                                                  if (ec) return self->fail(ec);
                                                  ((*self).*connected)(generation);
                                                });
                          });
}

void Link::ask_sentinel(std::uint64_t generation) {
  phase_ = Phase::discovering;
  reader_.emplace();
  outbox_ = encode_command({"SENTINEL", "get-master-addr-by-name", url_.master});
  inflight_.clear();
  writing_ = false;
  read(generation);
  flush();
}

// The Sentinel's answer: [host, port], or nil when it knows no master by that name.
void Link::master_found(const Reply& reply) {
  RedisEndpoint master{};
  if (reply.type() == ReplyView::Type::array && reply.size() == 2) {
    master.host = reply[0].text();
    const auto port = reply[1].text();
    std::from_chars(port.data(), port.data() + port.size(), master.port);
  }
  if (master.host.empty() || master.port == 0) {
    log::warn("the Sentinel knows no such master",
              {{"redis", url_.redacted()}, {"reply", std::string(reply.text())}});
    return fail(Error::no_master);
  }
  // A new attempt for the master's connection: the Sentinel's socket and read are done with.
  const auto generation = ++generation_;
  error_code ignored;
  socket_.close(ignored);
  master_ = std::move(master);
  phase_ = Phase::connecting;
  arm_deadline(generation);
  open(master_.host, master_.port, generation, &Link::on_connected);
}

void Link::on_connected(std::uint64_t generation) {
  // The deadline goes on: a Redis that accepted but does not answer the handshake (stopped,
  // or a half-open path) is given up on like one that did not accept.
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  // Notices a Redis host that vanished without a FIN (a dead VM), in the kernel's time.
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  reader_.emplace();
  outbox_.clear();
  inflight_.clear();
  writing_ = false;
  phase_ = Phase::handshaking;
  handshake_pending_ = 0;
  std::string hello;
  if (!url_.password.empty()) {
    hello += url_.user.empty() ? encode_command({"AUTH", url_.password})
                               : encode_command({"AUTH", url_.user, url_.password});
    ++handshake_pending_;
  }
  if (url_.db != 0) {
    hello += encode_command({"SELECT", std::to_string(url_.db)});
    ++handshake_pending_;
  }
  if (!options_.name.empty()) {
    hello += encode_command({"CLIENT", "SETNAME", options_.name});
    ++handshake_pending_;
  }
  role_pending_ = !url_.sentinels.empty();  // last: is this still the master?
  if (role_pending_) {
    hello += encode_command({"ROLE"});
    ++handshake_pending_;
  }
  read(generation);
  if (handshake_pending_ == 0) return became_up();
  outbox_ = std::move(hello);
  flush();
}

void Link::write(std::string bytes) {
  if (phase_ != Phase::up) return;
  outbox_ += bytes;
  if (!writing_) flush();
}

void Link::flush() {
  if (writing_ || outbox_.empty()) return;
  writing_ = true;
  inflight_.swap(outbox_);
  asio::async_write(
      socket_, asio::buffer(inflight_),
      [self = shared_from_this(), generation = generation_](error_code ec, std::size_t) {
        if (generation != self->generation_) return;
        self->writing_ = false;
        self->inflight_.clear();
        if (ec) return self->fail(ec);
        self->flush();
      });
}

void Link::read(std::uint64_t generation) {
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [self = shared_from_this(), generation](error_code ec, std::size_t size) {
                            if (generation != self->generation_) return;
                            if (ec) return self->fail(ec);
                            self->on_read(generation, size);
                          });
}

void Link::on_read(std::uint64_t generation, std::size_t size) {
  reader_->feed(read_buffer_.data(), size);
  for (;;) {
    auto next = reader_->next();
    if (!next) return fail(next.error());
    if (!*next) break;
    if (phase_ == Phase::discovering) {
      master_found(**next);
    } else if (phase_ == Phase::handshaking) {
      handshake_reply(**next);
    } else if (phase_ == Phase::up) {
      handler_->on_reply(std::move(**next));
    }
    // The owner may have closed the link, or a handshake reply failed it.
    if (generation != generation_) return;
  }
  read(generation);
}

void Link::handshake_reply(const Reply& reply) {
  if (role_pending_ && handshake_pending_ == 1) {
    if (reply.size() == 0 || reply[0].text() != "master") {
      log::warn("the server the Sentinel named is not the master; asking again",
                {{"redis", url_.redacted()},
                 {"server", master_.host + ":" + std::to_string(master_.port)}});
      return fail(Error::not_master);
    }
  } else if (reply.is_error()) {
    // Redis's words ("WRONGPASS invalid username-password pair") never hold the password.
    log::warn("redis handshake refused",
              {{"redis", url_.redacted()}, {"error", std::string(reply.text())}});
    return fail(Error::auth_failed);
  }
  if (--handshake_pending_ == 0) became_up();
}

void Link::became_up() {
  timer_.cancel();
  phase_ = Phase::up;
  attempt_ = 0;
  boost::json::object fields{{"redis", url_.redacted()}, {"name", options_.name}};
  if (!url_.sentinels.empty())
    fields.emplace("master", master_.host + ":" + std::to_string(master_.port));
  log::info("redis connected", fields);
  handler_->on_up();
}

void Link::fail(error_code why) {
  if (phase_ == Phase::closed || phase_ == Phase::waiting) return;
  const bool was_up = phase_ == Phase::up;
  ++generation_;
  phase_ = Phase::waiting;
  error_code ignored;
  socket_.close(ignored);
  reader_.reset();
  outbox_.clear();
  writing_ = false;
  const auto delay = next_backoff();
  // One line when a working connection drops; retries while Redis stays away are debug lines.
  const boost::json::object fields{{"redis", url_.redacted()},
                                   {"name", options_.name},
                                   {"error", why.message()},
                                   {"retry_ms", delay.count()}};
  was_up ? log::warn("redis connection lost", fields) : log::debug("redis connect failed", fields);
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this(), generation = generation_](error_code ec) {
    if (ec || generation != self->generation_) return;
    self->connect();
  });
  if (was_up) handler_->on_down(why);
}

std::chrono::milliseconds Link::next_backoff() {
  const auto shift = std::min(attempt_++, 16);
  const auto ceiling = std::min(options_.backoff_max, options_.backoff_initial * (1 << shift));
  // Somewhere in [ceiling/2, ceiling]: spread, but never much sooner than the schedule.
  std::uniform_int_distribution<long> pick(ceiling.count() / 2, ceiling.count());
  return std::chrono::milliseconds(pick(jitter_));
}

}  // namespace popflow::cluster
