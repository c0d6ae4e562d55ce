#pragma once
// The cluster backplane over Redis pub/sub (docs/cluster.md): this node's triggers go out on
// their routing channels, and what other nodes published on the channels this node's
// subscribers need comes in and is delivered here as if it had been published locally.
// Each trigger is one FCALL of the publish Function (publish_function.hpp): appended to its
// agent's and its customer's streams with a sequence each, and published on both channels. A
// receiving node follows each subscribed channel's sequence; a jump, or a reconnect of its
// subscribed connection, is filled from the stream before what follows is delivered, so a
// subscriber connected meanwhile misses nothing still in the stream and per-channel order
// holds (redis_backplane_repair.cpp). The trigger's 200 waits for Redis to take it. While the
// publishing connection is down (or the Function not loaded yet) accepting() is false, and the
// trigger service refuses triggers (503) rather than publish them here alone.
//
// Threads: the backplane runs its own io_context on its own thread (the cluster loop), which
// owns both Redis connections and the recent ids. publish(), subscribed() and unsubscribed()
// come from any thread (workers, the router's lock holders) and only post to that loop.
// `deliver` runs on the cluster loop: it hands the message to the broker, whose subscribers
// only enqueue (docs/threading.md), so the loop never waits on a client.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cluster/envelope.hpp"
#include "cluster/recent_ids.hpp"
#include "cluster/redis_connection.hpp"
#include "cluster/redis_subscriber.hpp"
#include "topics/backplane.hpp"

namespace popflow::cluster {

class RedisBackplane final : public Backplane, public SubscriptionObserver {
 public:
  using Deliver = std::function<void(const MessagePtr&)>;

  RedisBackplane(const RedisUrl& url, Deliver deliver);
  ~RedisBackplane() override;
  RedisBackplane(const RedisBackplane&) = delete;
  RedisBackplane& operator=(const RedisBackplane&) = delete;

  void start();  // the cluster loop's thread, and both connections
  void stop();   // closes them and joins the thread; nothing is delivered afterwards

  // Random per process: a node skips the messages it published itself.
  const std::string& node_id() const { return node_id_; }

  void publish(const MessagePtr& message, Handed handed = {}) override;
  void subscribed(std::string_view filter) override;
  void unsubscribed(std::string_view filter) override;
  void claim_idempotency(std::string customer, std::string key, std::chrono::milliseconds ttl,
                         std::function<void(IdempotencyClaim)> done) override;
  void complete_idempotency(std::string customer, std::string key, std::string marker,
                            std::string answer, std::chrono::milliseconds ttl) override;
  void release_idempotency(std::string customer, std::string key, std::string marker) override;
  bool reachable() const override;
  std::string render_metrics() const override;

  // Triggers published here that Redis did not take: the publishing connection dropped between
  // the trigger's check and its reply, Redis refused it, or was too far behind.
  std::uint64_t unsent() const { return unsent_.load(std::memory_order_relaxed); }

 private:
  // One connection's state, written on the cluster loop, read by /readyz and /metrics.
  struct LinkState {
    void changed(bool up);  // the cluster loop
    std::atomic<bool> up{false};
    std::atomic<std::uint64_t> reconnects{0};  // up again after it was lost
    bool was_up = false;                       // the cluster loop's only
  };

  // Per subscribed channel: where its stream was last seen (redis_backplane_repair.cpp).
  struct Cursor {
    std::uint64_t seq = 0;
    std::string stream_id{};          // empty: not known yet
    std::uint64_t fetch = 0;          // the stream read under way (0: none)
    std::vector<std::string> held{};  // what arrived meanwhile, delivered after it, in order
  };

  void on_publisher(bool up);
  void on_message(std::string_view channel, std::string_view payload);
  void on_confirmed(std::string_view channel);
  // Reads the channel's stream: its last entry when the cursor is not known yet (where to
  // start from), else every entry after the cursor (what was missed).
  void fetch(const std::string& channel);
  void on_range(const std::string& channel, std::uint64_t fetch, bool baseline, std::int64_t now_ms,
                Result<Reply> reply);
  void release(const std::string& channel);  // the read is over: what was held, in order
  // Hands one trigger to the broker unless it is this node's own, a repeat or expired.
  bool deliver_envelope(const Envelope& envelope, std::int64_t ttl_ms);

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::string node_id_;
  std::string redacted_url_;
  Deliver deliver_;
  RedisConnection publisher_;
  RedisSubscriber subscriber_;
  RecentIds recent_;
  std::unordered_map<std::string, Cursor> cursors_;  // the cluster loop's
  std::vector<std::string> awaiting_publisher_;      // reads to start once it is up again
  std::uint64_t fetches_ = 0;
  std::uint64_t claims_ = 0;  // makes each idempotency marker of this node unique
  LinkState publisher_state_;
  LinkState subscriber_state_;
  std::atomic<std::uint64_t> unsent_{0};
  std::atomic<std::uint64_t> received_{0};  // other nodes' triggers handed to deliver
  std::atomic<std::uint64_t> repaired_{0};  // … of which read back from a stream
  std::atomic<std::uint64_t> lost_{0};      // sequence numbers the stream no longer had
  std::thread thread_;
};

}  // namespace popflow::cluster
