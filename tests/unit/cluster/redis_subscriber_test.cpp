// Against a real redis-server on a free port: messages reach the handler, channels are
// refcounted, and the subscriber subscribes again after the server restarts and after Redis
// kills its connection (CLIENT KILL TYPE pubsub, what a slow pub/sub consumer gets), and that
// its PING deadline drops and remakes a link Redis stopped answering (SIGSTOP: the socket
// stays open, so only the deadline can notice).
#include "cluster/redis_subscriber.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/redis_connection.hpp"
#include "redis_server.hpp"

namespace popflow::cluster {
namespace {

using testing::RedisServer;
using testing::run_until;

struct Fixture {
  explicit Fixture(const RedisUrl& url,
                   LinkOptions options = {.backoff_max = std::chrono::milliseconds(200)})
      // The command connection pings nothing of its own: the PING tests count the subscriber's.
      : redis(io.get_executor(), url, LinkOptions{.ping_interval = std::chrono::milliseconds(0)}),
        subscriber(
            io.get_executor(), url, std::move(options),
            [this](std::string_view channel, std::string_view payload) {
              messages.emplace_back(std::string(channel), std::string(payload));
            },
            [this](std::string_view channel) { ++confirmed[std::string(channel)]; }) {
    subscriber.on_state([this](bool up) { states.push_back(up); });
    redis.start();
    subscriber.start();
  }

  // A command's integer reply, run to completion; -1 when it failed.
  long long integer(std::initializer_list<std::string_view> args) {
    std::optional<long long> out;
    redis.command(args, [&](Result<Reply> r) {
      out = r && r->type() == ReplyView::Type::integer ? r->integer() : -1;
    });
    return run_until(io, [&] { return out.has_value(); }) ? *out : -1;
  }

  // How many connections Redis has subscribed to `channel`.
  long long numsub(std::string_view channel) {
    std::optional<long long> out;
    redis.command({"PUBSUB", "NUMSUB", channel},
                  [&](Result<Reply> r) { out = r && r->size() == 2 ? (*r)[1].integer() : -1; });
    return run_until(io, [&] { return out.has_value(); }) ? *out : -1;
  }

  bool wait_for(const std::function<bool()>& done) { return run_until(io, done); }

  boost::asio::io_context io;
  RedisConnection redis;
  RedisSubscriber subscriber;
  std::vector<std::pair<std::string, std::string>> messages;
  std::map<std::string, int> confirmed;
  std::vector<bool> states;  // the subscriber's on_state calls
};

// How many PINGs Redis has run (INFO commandstats: "cmdstat_ping:calls=N,…").
long long pings(Fixture& f) {
  std::optional<std::string> info;
  f.redis.command({"INFO", "commandstats"}, [&](Result<Reply> r) {
    info = r && !r->is_error() ? std::string(r->text()) : std::string();
  });
  if (!run_until(f.io, [&] { return info.has_value(); })) return -1;
  const auto at = info->find("cmdstat_ping:calls=");
  return at == std::string::npos ? 0 : std::stoll(info->substr(at + 19));
}

TEST(RedisSubscriber, DeliversWhatIsPublishedOnItsChannels) {
  RedisServer server;
  Fixture f(server.url());
  f.subscriber.subscribe("popflow:{c:acme}:a:1001");
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["popflow:{c:acme}:a:1001"] == 1; }));
  ASSERT_TRUE(f.wait_for([&] { return f.redis.connected(); }));

  const std::string payload("{\"id\":1}\r\n\0bytes", 17);
  EXPECT_EQ(f.integer({"PUBLISH", "popflow:{c:acme}:a:1001", payload}), 1);
  EXPECT_EQ(f.integer({"PUBLISH", "popflow:{c:acme}:a:2002", "not for us"}), 0);
  ASSERT_TRUE(f.wait_for([&] { return !f.messages.empty(); }));
  ASSERT_EQ(f.messages.size(), 1u);
  EXPECT_EQ(f.messages[0].first, "popflow:{c:acme}:a:1001");
  EXPECT_EQ(f.messages[0].second, payload);
}

TEST(RedisSubscriber, SubscribesOnceAndUnsubscribesWithTheLastLocalSubscriber) {
  RedisServer server;
  Fixture f(server.url());
  ASSERT_TRUE(f.wait_for([&] { return f.subscriber.connected() && f.redis.connected(); }));
  f.subscriber.subscribe("chan");
  f.subscriber.subscribe("chan");
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["chan"] >= 1; }));
  EXPECT_EQ(f.confirmed["chan"], 1);  // one SUBSCRIBE for two local subscribers
  EXPECT_EQ(f.subscriber.channel_count(), 1u);

  f.subscriber.unsubscribe("chan");
  EXPECT_EQ(f.numsub("chan"), 1);  // a local subscriber is left
  EXPECT_EQ(f.integer({"PUBLISH", "chan", "still wanted"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return f.messages.size() == 1; }));

  f.subscriber.unsubscribe("chan");
  EXPECT_EQ(f.subscriber.channel_count(), 0u);
  ASSERT_TRUE(f.wait_for([&] { return f.numsub("chan") == 0; }));
}

TEST(RedisSubscriber, SubscribesAgainAfterTheServerRestarts) {
  RedisServer server;
  Fixture f(server.url());
  f.subscriber.subscribe("a");
  f.subscriber.subscribe("b");
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["a"] == 1 && f.confirmed["b"] == 1; }));

  server.kill();
  ASSERT_TRUE(f.wait_for([&] { return !f.subscriber.connected(); }));
  server.restart();
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["a"] == 2 && f.confirmed["b"] == 2; }));
  ASSERT_TRUE(f.wait_for([&] { return f.redis.connected(); }));
  EXPECT_EQ(f.integer({"PUBLISH", "b", "after restart"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return f.messages.size() == 1; }));
  EXPECT_EQ(f.messages[0], (std::pair<std::string, std::string>{"b", "after restart"}));
}

TEST(RedisSubscriber, SubscribesAgainAfterRedisKillsItsConnection) {
  RedisServer server;
  Fixture f(server.url());
  // More channels than one SUBSCRIBE carries after a reconnect.
  constexpr int kChannels = 600;
  for (int i = 0; i < kChannels; ++i) f.subscriber.subscribe("agent:" + std::to_string(i));
  const auto all_confirmed = [&](int times) {
    if (f.confirmed.size() != kChannels) return false;
    for (auto& [channel, n] : f.confirmed)
      if (n != times) return false;
    return true;
  };
  ASSERT_TRUE(f.wait_for([&] { return all_confirmed(1); }));
  ASSERT_TRUE(f.wait_for([&] { return f.redis.connected(); }));

  // What Redis does to a slow pub/sub consumer (client-output-buffer-limit pubsub). The
  // command connection is not a pub/sub client: it answers, and stays up.
  EXPECT_EQ(f.integer({"CLIENT", "KILL", "TYPE", "pubsub"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return all_confirmed(2); }));
  EXPECT_EQ(f.integer({"PUBLISH", "agent:599", "after kill"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return f.messages.size() == 1; }));
  EXPECT_EQ(f.messages[0].second, "after kill");
  EXPECT_TRUE(f.redis.connected());
}

TEST(RedisSubscriber, PingsAnIdleLinkAndKeepsItWhileRedisAnswers) {
  RedisServer server;
  Fixture f(server.url(), LinkOptions{.backoff_max = std::chrono::milliseconds(200),
                                      .reply_timeout = std::chrono::milliseconds(1000),
                                      .ping_interval = std::chrono::milliseconds(50)});
  ASSERT_TRUE(f.wait_for([&] { return f.subscriber.connected() && f.redis.connected(); }));
  // Before any channel (+PONG) and while subscribed (["pong", ""]): a PING is sent only once
  // the previous one was answered, so many PINGs on one link mean its pongs were understood.
  ASSERT_TRUE(f.wait_for([&] { return pings(f) >= 5; }));
  f.subscriber.subscribe("chan");
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["chan"] == 1; }));
  const auto before = pings(f);
  ASSERT_TRUE(f.wait_for([&] { return pings(f) >= before + 10; }));
  EXPECT_EQ(f.states, std::vector<bool>{true});  // never dropped
  EXPECT_EQ(f.integer({"PUBLISH", "chan", "still listening"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return f.messages.size() == 1; }));
}

TEST(RedisSubscriber, DropsAndRemakesALinkWhosePingGoesUnanswered) {
  RedisServer server;
  // Named, so a reconnect to the stopped server waits on a handshake reply too (the kernel
  // still accepts connections for a stopped process): the connect deadline ends that wait.
  Fixture f(server.url(), LinkOptions{.name = "popflow-sub-test",
                                      .connect_timeout = std::chrono::milliseconds(300),
                                      .backoff_max = std::chrono::milliseconds(200),
                                      .reply_timeout = std::chrono::milliseconds(500),
                                      .ping_interval = std::chrono::milliseconds(100)});
  f.subscriber.subscribe("chan");
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["chan"] == 1; }));

  server.pause();  // a half-open link as far as the subscriber can tell
  ASSERT_TRUE(f.wait_for([&] { return f.states.size() >= 2; }));
  EXPECT_EQ(f.states, (std::vector<bool>{true, false}));
  EXPECT_FALSE(f.subscriber.connected());

  server.resume();
  ASSERT_TRUE(f.wait_for([&] { return f.confirmed["chan"] == 2; }));  // resubscribed
  EXPECT_EQ(f.states.back(), true);
  ASSERT_TRUE(f.wait_for([&] { return f.redis.connected(); }));
  EXPECT_EQ(f.integer({"PUBLISH", "chan", "heard again"}), 1);
  ASSERT_TRUE(f.wait_for([&] { return f.messages.size() == 1; }));
  EXPECT_EQ(f.messages[0].second, "heard again");
}

}  // namespace
}  // namespace popflow::cluster
