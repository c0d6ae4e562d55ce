#pragma once
// Commands to Redis over one kept-up connection, pipelined: each command is written at once
// (a burst shares one write) and callbacks complete in the order the commands were sent, as
// Redis answers them. Every callback is called exactly once:
// - with the Reply (which may be a Redis error reply: reply.is_error(), its text says why);
// - Error::not_connected at once when the link is down or handshaking (nothing was written);
// - Error::connection_lost when the connection dropped with the command in flight (it may or
//   may not have run: the caller decides whether a retry is safe);
// - Error::closed when close() (or the destructor) ends the commands in flight;
// - Error::timeout when the oldest command waited more than reply_timeout: the connection is
//   dropped (every command in flight fails so) and remade. So no blocking commands (BLPOP …)
//   with a longer wait on this connection.
// An idle connection sends itself a PING every ping_interval (LinkOptions), so a Redis that
// stopped answering is noticed by the same deadline even when nobody sends a command; that
// PING's reply goes nowhere, and it counts in in_flight() while it waits.
// Threads: one executor; construct, call and destroy on its loop, never from inside one of its
// own callbacks (destroy it from a posted handler instead).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "cluster/link.hpp"

namespace popflow::cluster {

class RedisConnection final : private Link::Handler {
 public:
  using Callback = std::function<void(Result<Reply>)>;

  RedisConnection(boost::asio::any_io_executor executor, RedisUrl url, LinkOptions options = {});
  ~RedisConnection() override;
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  void start();
  bool connected() const { return link_->up(); }
  // Called with true when the connection is up (again), false when it drops.
  void on_state(std::function<void(bool up)> handler) { state_handler_ = std::move(handler); }

  void command(std::span<const std::string_view> args, Callback done);
  void command(std::initializer_list<std::string_view> args, Callback done);
  std::size_t in_flight() const { return pending_.size(); }

  void close();

 private:
  void on_up() override;
  void on_reply(Reply reply) override;
  void on_down(boost::system::error_code why) override;
  void fail_pending(Error why);
  void watch();

  struct Pending {
    Callback done;
    std::chrono::steady_clock::time_point sent;
  };
  std::chrono::milliseconds reply_timeout_;
  std::chrono::milliseconds ping_interval_;
  boost::asio::steady_timer watchdog_;                  // while up: checks the oldest command's age
  std::chrono::steady_clock::time_point last_reply_{};  // or when the connection came up
  std::shared_ptr<Link> link_;
  std::deque<Pending> pending_;
  std::function<void(bool)> state_handler_;
};

}  // namespace popflow::cluster
