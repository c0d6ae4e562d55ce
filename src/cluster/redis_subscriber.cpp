#include "cluster/redis_subscriber.hpp"

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
    : link_(std::make_shared<Link>(executor, std::move(url), std::move(options),
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
}

void RedisSubscriber::on_reply(Reply reply) {
  if (reply.is_error()) {
    log::warn("redis refused a subscription", {{"error", std::string(reply.text())}});
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
}

}  // namespace popflow::cluster
