#include "cluster/redis_connection.hpp"

#include "cluster/command.hpp"
#include "core/log.hpp"

namespace popflow::cluster {

RedisConnection::RedisConnection(boost::asio::any_io_executor executor, RedisUrl url,
                                 LinkOptions options)
    : link_(std::make_shared<Link>(executor, std::move(url), std::move(options),
                                   static_cast<Link::Handler&>(*this))) {}

RedisConnection::~RedisConnection() {
  close();
}

void RedisConnection::start() {
  link_->start();
}

void RedisConnection::close() {
  link_->close();
  fail_pending(Error::closed);
}

void RedisConnection::command(std::span<const std::string_view> args, Callback done) {
  if (!link_->up()) return done(Error::not_connected);
  pending_.push_back(std::move(done));
  link_->write(encode_command(args));
}

void RedisConnection::command(std::initializer_list<std::string_view> args, Callback done) {
  command(std::span<const std::string_view>(args.begin(), args.size()), std::move(done));
}

void RedisConnection::on_up() {
  if (state_handler_) state_handler_(true);
}

void RedisConnection::on_reply(Reply reply) {
  if (pending_.empty()) {
    // Redis answers each command once; a reply nobody waits for means we lost count.
    log::error("redis reply without a command", {{"reply", std::string(reply.text())}});
    return;
  }
  auto done = std::move(pending_.front());
  pending_.pop_front();
  done(std::move(reply));
}

void RedisConnection::on_down(boost::system::error_code) {
  fail_pending(Error::connection_lost);
  if (state_handler_) state_handler_(false);
}

void RedisConnection::fail_pending(Error why) {
  // Taken out first: a callback may send a new command (which fails at once, not connected).
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& done : pending) done(why);
}

}  // namespace popflow::cluster
