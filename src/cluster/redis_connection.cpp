#include "cluster/redis_connection.hpp"

#include <algorithm>

#include "cluster/command.hpp"
#include "core/log.hpp"

namespace popflow::cluster {

RedisConnection::RedisConnection(boost::asio::any_io_executor executor, RedisUrl url,
                                 LinkOptions options)
    : reply_timeout_(options.reply_timeout),
      ping_interval_(options.ping_interval),
      watchdog_(executor),
      link_(std::make_shared<Link>(executor, std::move(url), std::move(options),
                                   static_cast<Link::Handler&>(*this))) {}

RedisConnection::~RedisConnection() {
  close();
}

void RedisConnection::start() {
  link_->start();
}

void RedisConnection::close() {
  link_->close();
  watchdog_.cancel();
  fail_pending(Error::closed);
}

void RedisConnection::command(std::span<const std::string_view> args, Callback done) {
  if (!link_->up()) return done(Error::not_connected);
  pending_.push_back({std::move(done), std::chrono::steady_clock::now()});
  link_->write(encode_command(args));
}

void RedisConnection::command(std::initializer_list<std::string_view> args, Callback done) {
  command(std::span<const std::string_view>(args.begin(), args.size()), std::move(done));
}

void RedisConnection::on_up() {
  last_reply_ = std::chrono::steady_clock::now();
  watch();
  if (state_handler_) state_handler_(true);
}

void RedisConnection::watch() {
  if (reply_timeout_.count() <= 0) return;
  // Cost: one timer event every half period per connection, busy or idle.
  auto period = reply_timeout_;
  if (ping_interval_.count() > 0) period = std::min(period, ping_interval_);
  watchdog_.expires_after(period / 2);
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec || !link_->up()) return;  // cancelled (closed, or destroyed: `this` not touched)
    const auto now = std::chrono::steady_clock::now();
    if (!pending_.empty() && now - pending_.front().sent > reply_timeout_) {
      log::warn("redis did not answer in time", {{"waiting", pending_.size()}});
      return link_->drop(Error::timeout);
    }
    // Idle: a PING of our own puts the deadline above on a connection nobody uses.
    if (ping_interval_.count() > 0 && pending_.empty() && now - last_reply_ >= ping_interval_)
      command({"PING"}, [](Result<Reply>) {});
    watch();
  });
}

void RedisConnection::on_reply(Reply reply) {
  last_reply_ = std::chrono::steady_clock::now();
  if (pending_.empty()) {
    // Redis answers each command once; a reply nobody waits for means we lost count.
    log::error("redis reply without a command", {{"reply", std::string(reply.text())}});
    return;
  }
  auto done = std::move(pending_.front().done);
  pending_.pop_front();
  // A master demoted under us (a failover, the address unchanged) refuses writes with
  // READONLY: reconnect, which asks the Sentinels again, rather than fail every trigger.
  const bool demoted = reply.is_error() && reply.text().starts_with("READONLY");
  done(std::move(reply));
  if (demoted && link_->up()) link_->drop(Error::not_master);
}

void RedisConnection::on_down(boost::system::error_code why) {
  watchdog_.cancel();
  fail_pending(why == Error::timeout ? Error::timeout : Error::connection_lost);
  if (state_handler_) state_handler_(false);
}

void RedisConnection::fail_pending(Error why) {
  // Taken out first: a callback may send a new command (which fails at once, not connected).
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& entry : pending) entry.done(why);
}

}  // namespace popflow::cluster
