#include "cluster/redis_subscriber.hpp"

#include <algorithm>
#include <vector>

#include "cluster/command.hpp"
#include "core/log.hpp"

namespace popflow::cluster {
namespace {

// Channels per SUBSCRIBE after a reconnect: one command for thousands of agents would be one
// huge reply burst; a few hundred per command keeps each write and reply small.
constexpr std::size_t kChannelsPerCommand = 256;

}  // namespace

RedisSubscriber::RedisSubscriber(boost::asio::any_io_executor executor, RedisUrl url,
                                 LinkOptions options, MessageHandler on_message,
                                 SubscribedHandler on_subscribed)
    : reply_timeout_(options.reply_timeout),
      ping_interval_(options.ping_interval),
      ping_timer_(executor),
      link_(std::make_shared<Link>(executor, std::move(url), std::move(options),
                                   static_cast<Link::Handler&>(*this))),
      on_message_(std::move(on_message)),
      on_subscribed_(std::move(on_subscribed)) {}

RedisSubscriber::~RedisSubscriber() {
  close();
}

void RedisSubscriber::start() {
  link_->start();
}

void RedisSubscriber::close() {
  link_->close();
  ping_timer_.cancel();
}

void RedisSubscriber::subscribe(std::string_view channel) {
  auto [it, added] = refs_.try_emplace(std::string(channel), 0);
  if (it->second++ == 0 && link_->up()) link_->write(encode_command({"SUBSCRIBE", channel}));
}

void RedisSubscriber::unsubscribe(std::string_view channel) {
  auto it = refs_.find(std::string(channel));
  if (it == refs_.end() || --it->second > 0) return;
  refs_.erase(it);
  if (link_->up()) link_->write(encode_command({"UNSUBSCRIBE", channel}));
}

void RedisSubscriber::on_up() {
  std::vector<std::string_view> args;
  std::string bytes;
  for (auto it = refs_.begin(); it != refs_.end();) {
    args.assign({"SUBSCRIBE"});
    for (; it != refs_.end() && args.size() <= kChannelsPerCommand; ++it) args.push_back(it->first);
    bytes += encode_command(args);
  }
  if (!bytes.empty()) link_->write(std::move(bytes));
  last_heard_ = std::chrono::steady_clock::now();
  ping_sent_.reset();
  watch();
  if (state_handler_) state_handler_(true);
}

void RedisSubscriber::watch() {
  if (ping_interval_.count() <= 0 || reply_timeout_.count() <= 0) return;
  // Cost: one timer event every half period, and one PING per idle ping_interval.
  ping_timer_.expires_after(std::min(ping_interval_, reply_timeout_) / 2);
  ping_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !link_->up()) return;  // cancelled (closed, or destroyed: `this` not touched)
    const auto now = std::chrono::steady_clock::now();
    if (ping_sent_) {
      if (now - std::max(*ping_sent_, last_heard_) > reply_timeout_) {
        log::warn("redis did not answer the subscriber's PING in time",
                  {{"channels", refs_.size()}});
        return link_->drop(Error::timeout);
      }
    } else if (now - last_heard_ >= ping_interval_) {
      ping_sent_ = now;
      link_->write(encode_command({"PING"}));
    }
    watch();
  });
}

void RedisSubscriber::on_reply(Reply reply) {
  last_heard_ = std::chrono::steady_clock::now();
  if (reply.is_error()) {
    log::warn("redis refused a subscription", {{"error", std::string(reply.text())}});
    return;
  }
  // The PING's answer: ["pong", ""] while subscribed to something, +PONG before that.
  if ((reply.type() == ReplyView::Type::status && reply.text() == "PONG") ||
      (reply.size() == 2 && reply[0].text() == "pong")) {
    ping_sent_.reset();
    return;
  }
  // ["message", channel, payload], ["subscribe", channel, count], ["unsubscribe", …].
  if (reply.size() < 3) return;
  const auto kind = reply[0].text();
  const auto channel = reply[1].text();
  if (!refs_.contains(std::string(channel))) return;
  if (kind == "message") {
    on_message_(channel, reply[2].text());
  } else if (kind == "subscribe" && on_subscribed_) {
    on_subscribed_(channel);
  }
}

void RedisSubscriber::on_down(boost::system::error_code) {
  // Nothing to fail: the channels stay wanted and on_up() subscribes them again.
  ping_timer_.cancel();
  if (state_handler_) state_handler_(false);
}

}  // namespace popflow::cluster
