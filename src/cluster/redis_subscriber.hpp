#pragma once
// Pub/sub on its own connection to Redis (RESP2: a subscribed connection takes no other
// commands). Channels are refcounted: the first subscribe() of a channel sends SUBSCRIBE, the
// last unsubscribe() sends UNSUBSCRIBE, so each local subscriber of a routing channel costs
// nothing more in Redis. After a reconnect (Redis restarted, or this connection killed as a
// slow pub/sub consumer) every channel is subscribed again at once; on_subscribed tells the
// owner when Redis confirms each, which is where a repair of what was missed starts
// (docs/cluster.md). A message for a channel no longer wanted (UNSUBSCRIBE still on its way)
// is dropped here.
// The deadline: a subscribed connection only ever receives, so a half-open one would stay up
// and silently deaf. After ping_interval (LinkOptions) with nothing from Redis it sends PING
// (allowed while subscribed; RESP2 answers ["pong", ""]), and when nothing at all comes back
// for reply_timeout after it, drops the connection, which is remade and resubscribed. Any
// message counts as a sign of life: a busy link is never dropped for a pong stuck behind it.
// Threads: one executor; construct, call and destroy on its loop, never from inside one of its
// own callbacks.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cluster/link.hpp"

namespace popflow::cluster {

class RedisSubscriber final : private Link::Handler {
 public:
  using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;
  using SubscribedHandler = std::function<void(std::string_view channel)>;

  RedisSubscriber(boost::asio::any_io_executor executor, RedisUrl url, LinkOptions options,
                  MessageHandler on_message, SubscribedHandler on_subscribed = {});
  ~RedisSubscriber() override;
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void start();
  bool connected() const { return link_->up(); }
  // Called with true when the connection is up (again), false when it drops.
  void on_state(std::function<void(bool up)> handler) { state_handler_ = std::move(handler); }

  void subscribe(std::string_view channel);
  void unsubscribe(std::string_view channel);
  std::size_t channel_count() const { return refs_.size(); }
  bool wanted(const std::string& channel) const { return refs_.contains(channel); }

  void close();

 private:
  void on_up() override;
  void on_reply(Reply reply) override;
  void on_down(boost::system::error_code why) override;
  void watch();

  std::chrono::milliseconds reply_timeout_;
  std::chrono::milliseconds ping_interval_;
  boost::asio::steady_timer ping_timer_;                // while up: the idle PING and its deadline
  std::chrono::steady_clock::time_point last_heard_{};  // the last reply, or when it came up
  std::optional<std::chrono::steady_clock::time_point> ping_sent_{};  // until its pong
  std::shared_ptr<Link> link_;
  MessageHandler on_message_;
  SubscribedHandler on_subscribed_;
  std::function<void(bool)> state_handler_;
  std::unordered_map<std::string, std::size_t> refs_;  // channel → local subscriptions
};

}  // namespace popflow::cluster
