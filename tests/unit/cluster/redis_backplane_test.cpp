// Two backplanes (two nodes) on one real redis-server: what one publishes reaches the other's
// deliver once, never its own, and only on the channels the other's subscriptions need.
#include "cluster/redis_backplane.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/publish_function.hpp"
#include "redis_server.hpp"

namespace popflow::cluster {
namespace {

using testing::RedisServer;
using testing::run_until;

struct Node {
  explicit Node(const RedisUrl& url)
      : backplane(url, [this](const MessagePtr& m) {
          std::lock_guard lock(mutex);
          got.push_back(m);
        }) {
    backplane.start();
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (auto& m : got) out.push_back(m->id);
    return out;
  }
  std::mutex mutex;
  std::vector<MessagePtr> got;  // from the cluster loop
  RedisBackplane backplane;
};

MessagePtr trigger(std::string id, std::string topic) {
  auto m = std::make_shared<Message>();
  m->id = std::move(id);
  m->topic = std::move(topic);
  m->payload = "{\"id\":\"" + m->id + "\"}";
  m->qos = 1;
  m->expires_at = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  return m;
}

// Redis's own count of connections subscribed to `channel`.
long long numsub(boost::asio::io_context& io, RedisConnection& redis, std::string_view channel) {
  std::optional<long long> out;
  redis.command({"PUBSUB", "NUMSUB", channel},
                [&](Result<Reply> r) { out = r && r->size() == 2 ? (*r)[1].integer() : -1; });
  return run_until(io, [&] { return out.has_value(); }) ? *out : -1;
}

// A command's integer reply, run to completion; -1 when it failed.
long long integer(boost::asio::io_context& io, RedisConnection& redis,
                  std::initializer_list<std::string_view> args) {
  std::optional<long long> out;
  redis.command(args, [&](Result<Reply> r) {
    out = r && r->type() == ReplyView::Type::integer ? r->integer() : -1;
  });
  return run_until(io, [&] { return out.has_value(); }) ? *out : -1;
}

// The value of one series in the backplane's metrics; -1 when absent.
long long metric(const RedisBackplane& backplane, std::string_view series) {
  const auto text = backplane.render_metrics();
  const auto at = text.find("\n" + std::string(series) + " ");
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
}

// Kills the connection Redis knows by `name` (CLIENT SETNAME); how many it killed.
long long kill_by_name(boost::asio::io_context& io, RedisConnection& redis,
                       const std::string& name) {
  std::optional<std::string> list;
  redis.command({"CLIENT", "LIST"},
                [&](Result<Reply> r) { list = r ? std::string(r->text()) : std::string(); });
  if (!run_until(io, [&] { return list.has_value(); })) return -1;
  const auto at = list->find(" name=" + name + " ");
  if (at == std::string::npos) return 0;
  const auto line = list->rfind('\n', at) + 1;  // npos + 1 == 0: the first line
  const auto id = list->substr(line + 3, list->find(' ', line) - line - 3);  // "id=N …"
  return integer(io, redis, {"CLIENT", "KILL", "ID", id});
}

// Publishes warm-up triggers from `a` until `b` has one: b's subscription is confirmed and its
// channel's stream position read, so what follows is what the test is about.
void warm_up(Node& a, Node& b, boost::asio::io_context& io) {
  int n = 0;
  ASSERT_TRUE(run_until(io, [&] {
    a.backplane.publish(trigger("warm-" + std::to_string(n++), "CTI/acme/1001"));
    io.run_for(std::chrono::milliseconds(50));
    return !b.ids().empty();
  }));
  ASSERT_TRUE(run_until(io, [&] { return b.ids().back() == "warm-" + std::to_string(n - 1); }));
}

TEST(RedisBackplane, DeliversOtherNodesTriggersOnceAndNeverItsOwn) {
  RedisServer server;
  Node a(server.url()), b(server.url());
  a.backplane.subscribed("CTI/acme/1001");
  b.backplane.subscribed("CTI/acme/+/1001");  // the agent's channel
  b.backplane.subscribed("CTI/acme/#");       // and the customer's: each trigger arrives twice
  b.backplane.subscribed("CTI/globex/1001");

  boost::asio::io_context io;
  RedisConnection redis(io.get_executor(), server.url());
  redis.start();
  ASSERT_TRUE(run_until(io, [&] { return redis.connected(); }));
  ASSERT_TRUE(run_until(io, [&] {
    return numsub(io, redis, "popflow:{c:acme}:a:1001") == 2 &&
           numsub(io, redis, "popflow:{c:acme}:all") == 1 &&
           numsub(io, redis, "popflow:{c:globex}:a:1001") == 1;
  }));
  ASSERT_TRUE(run_until(io, [&] { return a.backplane.unsent() == 0; }));

  // The publishing connection may come up after the subscribers: publish until one arrives.
  ASSERT_TRUE(run_until(io, [&] {
    a.backplane.publish(trigger("m1", "CTI/acme/env-1/1001"));
    io.run_for(std::chrono::milliseconds(50));
    return !b.ids().empty();
  }));
  // Then a message from b, which a gets: Redis sent a's own m1 to a's subscriber before it.
  b.backplane.publish(trigger("m2", "CTI/acme/1001"));
  ASSERT_TRUE(run_until(io, [&] { return !a.ids().empty(); }));
  EXPECT_EQ(a.ids(), std::vector<std::string>{"m2"});
  // And one more from a: b has every copy of m1 before it, so m1 was delivered once.
  a.backplane.publish(trigger("m3", "CTI/acme/1001"));
  ASSERT_TRUE(run_until(io, [&] { return b.ids().back() == "m3"; }));
  EXPECT_EQ(b.ids(), (std::vector<std::string>{"m1", "m3"}));

  std::lock_guard lock(b.mutex);
  EXPECT_EQ(b.got[0]->topic, "CTI/acme/env-1/1001");
  EXPECT_EQ(b.got[0]->payload, "{\"id\":\"m1\"}");
  EXPECT_EQ(b.got[0]->qos, 1);
  ASSERT_TRUE(b.got[0]->expires_at);
  EXPECT_GT(*b.got[0]->expires_at, std::chrono::steady_clock::now());
}

TEST(RedisBackplane, UnsubscribesWhenTheLastLocalSubscriptionGoes) {
  RedisServer server;
  Node b(server.url());
  b.backplane.subscribed("CTI/acme/1001");
  b.backplane.subscribed("CTI/acme/+/1001");
  boost::asio::io_context io;
  RedisConnection redis(io.get_executor(), server.url());
  redis.start();
  ASSERT_TRUE(run_until(io, [&] { return redis.connected(); }));
  ASSERT_TRUE(run_until(io, [&] { return numsub(io, redis, "popflow:{c:acme}:a:1001") == 1; }));
  b.backplane.unsubscribed("CTI/acme/1001");
  b.backplane.unsubscribed("CTI/acme/+/1001");
  ASSERT_TRUE(run_until(io, [&] { return numsub(io, redis, "popflow:{c:acme}:a:1001") == 0; }));
}

TEST(RedisBackplane, AcceptsTriggersOnlyWhileItsPublishingConnectionIsUp) {
  RedisServer server;
  Node a(server.url());
  // The backplane runs its own loop: this thread only looks, every few milliseconds.
  const auto until = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done();
  };
  ASSERT_TRUE(until([&] { return a.backplane.accepting() && a.backplane.reachable(); }));
  EXPECT_NE(
      a.backplane.render_metrics().find("popflow_backplane_connected{link=\"publish\"} 1\n"
                                        "popflow_backplane_connected{link=\"subscribe\"} 1\n"),
      std::string::npos);

  server.kill();
  ASSERT_TRUE(until([&] { return !a.backplane.accepting() && !a.backplane.reachable(); }));
  a.backplane.count_refused();  // what the trigger service does with a trigger meanwhile
  const auto down = a.backplane.render_metrics();
  EXPECT_NE(down.find("popflow_backplane_connected{link=\"publish\"} 0\n"), std::string::npos);
  EXPECT_NE(down.find("popflow_backplane_triggers_refused_total 1\n"), std::string::npos);

  server.restart();  // the backplane reconnects by itself
  ASSERT_TRUE(until([&] { return a.backplane.accepting() && a.backplane.reachable(); }));
  const auto up = a.backplane.render_metrics();
  EXPECT_NE(up.find("popflow_backplane_reconnects_total{link=\"publish\"} 1\n"), std::string::npos)
      << up;
  EXPECT_NE(up.find("popflow_backplane_reconnects_total{link=\"subscribe\"} 1\n"),
            std::string::npos)
      << up;
}

TEST(RedisBackplane, ASubscriberConnectedDuringAPubsubKillMissesNothing) {
  RedisServer server;
  Node a(server.url()), b(server.url());
  // The agent's channel and the customer's: each repaired from its own stream, each trigger
  // delivered once and in order all the same.
  b.backplane.subscribed("CTI/acme/1001");
  b.backplane.subscribed("CTI/acme/#");
  boost::asio::io_context io;
  RedisConnection redis(io.get_executor(), server.url());
  redis.start();
  ASSERT_TRUE(run_until(io, [&] { return redis.connected(); }));
  const auto b_subscribed = [&] {
    return numsub(io, redis, "popflow:{c:acme}:a:1001") == 1 &&
           numsub(io, redis, "popflow:{c:acme}:all") == 1;
  };
  ASSERT_TRUE(run_until(io, [&] { return b_subscribed() && a.backplane.accepting(); }));
  warm_up(a, b, io);
  const auto warm = b.ids().size();

  // A steady stream of triggers from a; four times, Redis kills b's subscribed connection
  // (what a slow pub/sub consumer gets): whatever a publishes until b has resubscribed never
  // reaches b live, and must come from the stream, in order.
  constexpr int kTriggers = 400;
  std::vector<std::string> sent;
  for (int i = 0; i < kTriggers; ++i) {
    sent.push_back("m" + std::to_string(i));
    a.backplane.publish(trigger(sent.back(), "CTI/acme/1001"));
    if (i % 100 == 50) {
      ASSERT_TRUE(run_until(io, b_subscribed));  // back from the last kill
      // The last time, b's publishing connection too, over which b reads the streams: the
      // reads wait for it to be back (and the Function loaded again).
      if (i == 350) {
        ASSERT_EQ(kill_by_name(io, redis, "popflow-pub-" + b.backplane.node_id()), 1);
      }
      ASSERT_EQ(integer(io, redis, {"CLIENT", "KILL", "TYPE", "pubsub"}), 1);  // b's alone
    }
    io.run_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(run_until(io, [&] { return b.ids().size() >= warm + kTriggers; }));
  auto ids = b.ids();
  EXPECT_EQ(std::vector<std::string>(ids.begin() + static_cast<long>(warm), ids.end()), sent);
  // The kills did cost live messages (else this test shows nothing), and none was lost.
  EXPECT_GT(metric(b.backplane, "popflow_backplane_messages_repaired_total"), 0);
  EXPECT_EQ(metric(b.backplane, "popflow_backplane_messages_lost_total"), 0);
  EXPECT_EQ(metric(b.backplane, "popflow_backplane_reconnects_total{link=\"subscribe\"}"), 4);
  EXPECT_EQ(metric(b.backplane, "popflow_backplane_reconnects_total{link=\"publish\"}"), 1);
}

TEST(RedisBackplane, AGapInAChannelsSequenceIsFilledFromItsStreamInOrder) {
  RedisServer server;
  Node a(server.url()), b(server.url());
  b.backplane.subscribed("CTI/acme/1001");
  boost::asio::io_context io;
  RedisConnection redis(io.get_executor(), server.url());
  redis.start();
  ASSERT_TRUE(run_until(io, [&] {
    return redis.connected() && numsub(io, redis, "popflow:{c:acme}:a:1001") == 1 &&
           a.backplane.accepting();
  }));
  warm_up(a, b, io);

  // A trigger b never got live: in both streams with its sequence numbers, but published on a
  // channel nobody listens to (what a lost pub/sub message looks like to b).
  const std::string agent = "popflow:{c:acme}:a:1001", customer = "popflow:{c:acme}:all";
  EXPECT_EQ(integer(io, redis,
                    {"FCALL", "popflow_publish_v1", "4", sequence_key(agent), stream_key(agent),
                     sequence_key(customer), stream_key(customer), "nobody", "nobody",
                     "another-node", "60000", "missed", "CTI/acme/1001", "{\"id\":\"missed\"}"}),
            0);
  a.backplane.publish(trigger("next", "CTI/acme/1001"));  // one past the gap
  ASSERT_TRUE(run_until(io, [&] { return b.ids().back() == "next"; }));
  auto ids = b.ids();
  EXPECT_EQ(std::vector<std::string>(ids.end() - 2, ids.end()),
            (std::vector<std::string>{"missed", "next"}));
  // Both came from the read: the one past the gap waits for it, then is read back with it.
  EXPECT_EQ(metric(b.backplane, "popflow_backplane_messages_repaired_total"), 2);

  // A sequence number the stream never held (trimmed, or expired): counted lost, and the
  // trigger after it is delivered all the same.
  EXPECT_GT(integer(io, redis, {"INCR", sequence_key(agent)}), 0);
  a.backplane.publish(trigger("after-lost", "CTI/acme/1001"));
  ASSERT_TRUE(run_until(io, [&] { return b.ids().back() == "after-lost"; }));
  EXPECT_EQ(metric(b.backplane, "popflow_backplane_messages_lost_total"), 1);
}

}  // namespace
}  // namespace popflow::cluster

namespace popflow::cluster {
namespace {

// Claims a key on `node` and waits (this thread, not the backplane's loop) for the answer.
Backplane::IdempotencyClaim claim(RedisBackplane& node, const std::string& key) {
  std::mutex mutex;
  std::optional<Backplane::IdempotencyClaim> out;
  node.claim_idempotency("acme", key, std::chrono::seconds(60), [&](Backplane::IdempotencyClaim c) {
    std::lock_guard lock(mutex);
    out = std::move(c);
  });
  for (int i = 0; i < 3000; ++i) {
    {
      std::lock_guard lock(mutex);
      if (out) return *out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no answer to the claim of " << key;
  return {};
}

using State = Backplane::IdempotencyClaim::State;

TEST(RedisBackplane, AnIdempotencyKeyIsClaimedOnceAcrossNodesAndItsAnswerReplayedEverywhere) {
  RedisServer server;
  Node a(server.url());
  Node b(server.url());
  for (int i = 0; i < 3000 && !(a.backplane.accepting() && b.backplane.accepting()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(a.backplane.accepting() && b.backplane.accepting());

  const auto first = claim(a.backplane, "k_1:call-7");
  ASSERT_EQ(first.state, State::claimed);
  EXPECT_FALSE(first.marker.empty());
  EXPECT_EQ(claim(b.backplane, "k_1:call-7").state, State::in_progress);  // A handles it
  EXPECT_EQ(claim(b.backplane, "k_2:call-7").state, State::claimed);      // another API key's

  // Only the claim's holder completes it; then every node replays its answer.
  b.backplane.complete_idempotency("acme", "k_1:call-7", "not-the-marker", "{\"id\":\"x\"}",
                                   std::chrono::seconds(60));
  a.backplane.complete_idempotency("acme", "k_1:call-7", first.marker, "{\"id\":\"m1\"}",
                                   std::chrono::seconds(60));
  // A's completion travels on A's connection, B's claims on B's: B may ask first.
  auto replayed = claim(b.backplane, "k_1:call-7");
  for (int i = 0; i < 100 && replayed.state == State::in_progress; ++i)
    replayed = claim(b.backplane, "k_1:call-7");
  EXPECT_EQ(replayed.state, State::replay);
  EXPECT_EQ(replayed.answer, "{\"id\":\"m1\"}");

  // A claim given up (the trigger was refused) is free again, anywhere.
  const auto refused = claim(a.backplane, "k_1:call-8");
  ASSERT_EQ(refused.state, State::claimed);
  a.backplane.release_idempotency("acme", "k_1:call-8", refused.marker);
  auto after_release = claim(b.backplane, "k_1:call-8");  // the release, too, may come second
  for (int i = 0; i < 100 && after_release.state == State::in_progress; ++i)
    after_release = claim(b.backplane, "k_1:call-8");
  EXPECT_EQ(after_release.state, State::claimed);

  server.kill();  // Redis away: nothing can be claimed, and the caller is told so
  for (int i = 0; i < 3000 && a.backplane.accepting(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(claim(a.backplane, "k_1:call-9").state, State::unavailable);
}

}  // namespace
}  // namespace popflow::cluster
