// Against a real redis-server on a free port (redis_server.hpp): commands, pipelining, a reply
// larger than many reads, the handshake, and the server killed and started again.
#include "cluster/redis_connection.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "redis_server.hpp"

namespace popflow::cluster {
namespace {

using testing::RedisServer;
using testing::run_until;

// Runs one command to completion on the loop.
Result<std::string> call(boost::asio::io_context& io, RedisConnection& redis,
                         std::initializer_list<std::string_view> args) {
  std::optional<Result<std::string>> out;
  redis.command(args, [&](Result<Reply> reply) {
    if (!reply) return out.emplace(reply.error()), void();
    out.emplace(std::string(reply->is_nil() ? "(nil)" : reply->text()));
  });
  if (!run_until(io, [&] { return out.has_value(); })) return Error::connection_lost;
  return *out;
}

struct Connected {
  explicit Connected(const RedisUrl& url, LinkOptions options = {})
      : redis(io.get_executor(), url, std::move(options)) {
    redis.start();
    up = run_until(io, [&] { return redis.connected(); });
  }
  boost::asio::io_context io;
  RedisConnection redis;
  bool up = false;
};

TEST(RedisConnection, RunsCommandsAndHandsBackTheirReplies) {
  RedisServer server;
  Connected c(server.url());
  ASSERT_TRUE(c.up);
  EXPECT_EQ(call(c.io, c.redis, {"SET", "greeting", "hello"}).value(), "OK");
  EXPECT_EQ(call(c.io, c.redis, {"GET", "greeting"}).value(), "hello");
  EXPECT_EQ(call(c.io, c.redis, {"GET", "missing"}).value(), "(nil)");

  std::optional<Result<Reply>> wrong;
  c.redis.command({"LPUSH", "greeting", "x"},
                  [&](Result<Reply> r) { wrong.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(c.io, [&] { return wrong.has_value(); }));
  ASSERT_TRUE(*wrong);  // Redis answered: an error reply, not a failed connection
  EXPECT_TRUE((*wrong)->is_error());
  EXPECT_TRUE((*wrong)->text().starts_with("WRONGTYPE"));
}

TEST(RedisConnection, PipelinedCommandsCompleteInTheOrderSent) {
  RedisServer server;
  Connected c(server.url());
  ASSERT_TRUE(c.up);
  constexpr int kCommands = 2000;
  std::vector<long long> seen;
  for (int i = 0; i < kCommands; ++i)
    c.redis.command({"INCR", "counter"}, [&](Result<Reply> r) {
      seen.push_back(r && !r->is_error() ? r->integer() : -1);
    });
  // All were sent without waiting for a reply: none has completed yet.
  EXPECT_EQ(c.redis.in_flight(), static_cast<std::size_t>(kCommands));
  ASSERT_TRUE(run_until(c.io, [&] { return seen.size() == kCommands; }));
  for (int i = 0; i < kCommands; ++i) ASSERT_EQ(seen[i], i + 1) << "reply " << i;
}

TEST(RedisConnection, ReadsAReplySplitAcrossManyReads) {
  RedisServer server;
  Connected c(server.url());
  ASSERT_TRUE(c.up);
  std::string big(8 << 20, '\0');  // 8 MiB against a 16 KiB read buffer
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 4096);
  EXPECT_EQ(call(c.io, c.redis, {"SET", "big", big}).value(), "OK");
  auto got = call(c.io, c.redis, {"GET", "big"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size(), big.size());
  EXPECT_TRUE(*got == big);
}

TEST(RedisConnection, FailsAtOnceWhileNotConnected) {
  boost::asio::io_context io;
  RedisConnection redis(io.get_executor(), RedisUrl{.host = "127.0.0.1", .port = 1});
  redis.start();
  std::optional<Result<Reply>> reply;
  redis.command({"PING"}, [&](Result<Reply> r) { reply.emplace(std::move(r)); });
  ASSERT_TRUE(reply.has_value());  // called before command() returned
  EXPECT_EQ(reply->error(), Error::not_connected);
}

TEST(RedisConnection, SelectsTheDbAndNamesItself) {
  RedisServer server;
  auto url = server.url();
  url.db = 3;
  Connected in3(url, LinkOptions{.name = "popflow-test"});
  ASSERT_TRUE(in3.up);
  EXPECT_EQ(call(in3.io, in3.redis, {"SET", "where", "db3"}).value(), "OK");
  EXPECT_EQ(call(in3.io, in3.redis, {"CLIENT", "GETNAME"}).value(), "popflow-test");
  Connected in0(server.url());
  ASSERT_TRUE(in0.up);
  EXPECT_EQ(call(in0.io, in0.redis, {"GET", "where"}).value(), "(nil)");
}

TEST(RedisConnection, AuthenticatesWithThePasswordOfTheUrl) {
  RedisServer server;
  {
    Connected admin(server.url());
    ASSERT_TRUE(admin.up);
    ASSERT_EQ(call(admin.io, admin.redis, {"CONFIG", "SET", "requirepass", "s3cret"}).value(),
              "OK");
  }
  auto url = server.url();
  url.password = "s3cret";
  Connected c(url);
  ASSERT_TRUE(c.up);
  EXPECT_EQ(call(c.io, c.redis, {"PING"}).value(), "PONG");
}

TEST(RedisConnection, ReconnectsAfterTheServerIsKilledAndRestarted) {
  RedisServer server;
  Connected c(server.url(), LinkOptions{.backoff_max = std::chrono::milliseconds(200)});
  ASSERT_TRUE(c.up);
  std::vector<bool> states;
  c.redis.on_state([&](bool up) { states.push_back(up); });

  // A command in flight when the server dies fails as lost (it may have run).
  std::optional<Result<Reply>> blocked;
  c.redis.command({"BLPOP", "never", "0"}, [&](Result<Reply> r) { blocked.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(c.io, [&] { return c.redis.in_flight() == 1; }));
  c.io.poll();  // the BLPOP is written
  server.kill();
  ASSERT_TRUE(run_until(c.io, [&] { return blocked.has_value(); }));
  EXPECT_EQ(blocked->error(), Error::connection_lost);
  EXPECT_FALSE(c.redis.connected());
  EXPECT_EQ(call(c.io, c.redis, {"PING"}).error(), Error::not_connected);

  server.restart();
  ASSERT_TRUE(run_until(c.io, [&] { return c.redis.connected(); }));
  EXPECT_EQ(call(c.io, c.redis, {"SET", "after", "restart"}).value(), "OK");
  EXPECT_EQ(states, (std::vector<bool>{false, true}));
}

TEST(RedisConnection, DropsAConnectionRedisStopsAnswering) {
  RedisServer server;
  Connected c(server.url(), LinkOptions{.backoff_max = std::chrono::milliseconds(200),
                                        .reply_timeout = std::chrono::milliseconds(500)});
  ASSERT_TRUE(c.up);
  std::vector<bool> states;
  c.redis.on_state([&](bool up) { states.push_back(up); });
  server.pause();  // the socket stays open: only the deadline notices
  std::optional<Result<Reply>> stuck;
  c.redis.command({"PING"}, [&](Result<Reply> r) { stuck.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(c.io, [&] { return stuck.has_value(); }));
  EXPECT_EQ(stuck->error(), Error::timeout);
  ASSERT_FALSE(states.empty());
  EXPECT_FALSE(states.front());

  server.resume();
  ASSERT_TRUE(run_until(c.io, [&] {
    auto pong = call(c.io, c.redis, {"PING"});
    return pong && *pong == "PONG";
  }));
}

TEST(RedisConnection, PingsWhileIdleSoAStoppedRedisIsNoticedWithoutACommand) {
  RedisServer server;
  Connected c(server.url(), LinkOptions{.backoff_max = std::chrono::milliseconds(200),
                                        .reply_timeout = std::chrono::milliseconds(500),
                                        .ping_interval = std::chrono::milliseconds(100)});
  ASSERT_TRUE(c.up);
  std::vector<bool> states;
  c.redis.on_state([&](bool up) { states.push_back(up); });
  server.pause();
  ASSERT_TRUE(run_until(c.io, [&] { return !states.empty(); }));  // nobody sent anything
  EXPECT_FALSE(states.front());
  server.resume();
  ASSERT_TRUE(run_until(c.io, [&] { return c.redis.connected(); }));
  EXPECT_EQ(call(c.io, c.redis, {"PING"}).value(), "PONG");
}

TEST(RedisConnection, ClosingFailsWhatIsInFlight) {
  RedisServer server;
  Connected c(server.url());
  ASSERT_TRUE(c.up);
  std::optional<Result<Reply>> blocked;
  c.redis.command({"BLPOP", "never", "0"}, [&](Result<Reply> r) { blocked.emplace(std::move(r)); });
  c.redis.close();
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->error(), Error::closed);
}

}  // namespace
}  // namespace popflow::cluster
