#pragma once
// One Server-Sent Events stream: GET /api/subscribe after its token and filters passed.
//
// Threads: the stream lives on the worker that accepted it. deliver() is called by the
// Router on whichever thread published; it only appends to a mutex-guarded queue and
// schedules one flush on the worker, so a publisher never waits for a slow reader. A stream
// whose queue reaches Config::sse_queue_limit is closed (EventSource reconnects) and the
// loss counted, rather than let one slow reader hold unbounded memory.
//
// The token is re-checked every Config::revocation_poll: a revoked or expired token's
// stream gets an "error" event and is closed.
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "http/subscribe_request.hpp"
#include "net/transport.hpp"
#include "net/worker.hpp"
#include "topics/subscriber.hpp"

namespace popflow::http {

class SseSession : public Subscriber,
                   public net::Drainable,
                   public net::Flushable,
                   public std::enable_shared_from_this<SseSession> {
 public:
  // `transport` is the HTTP connection's stream (plain or TLS), handed over for good.
  SseSession(std::unique_ptr<net::Transport> transport, net::Worker& worker,
             SubscribeRequest request);
  ~SseSession() override;

  // Writes `response_head` (status line and headers), then subscribes.
  void start(std::string response_head);
  bool deliver(const MessagePtr& message, std::span<const SubscriptionOptions> matched) override;
  void drain() override { close(); }
  void flush_now() override { flush(); }

 private:
  void flush();
  void on_write(boost::system::error_code ec);
  void wait_for_close();
  void tick();
  void close();
  void unsubscribe();

  std::unique_ptr<net::Transport> transport_;
  net::Worker& worker_;
  SubscribeRequest request_;
  boost::asio::steady_timer timer_;
  std::uint64_t registration_ = 0;
  bool subscribed_ = false;
  bool closed_ = false;
  bool writing_ = false;
  std::string out_;   // bytes being written
  std::string next_;  // bytes to write once out_ is done
  std::chrono::steady_clock::time_point last_write_;
  std::array<char, 512> discard_{};

  std::mutex mutex_;  // guards pending_, flush_posted_, overflow_ (publisher threads)
  std::deque<MessagePtr> pending_;
  bool flush_posted_ = false;
  bool overflow_ = false;
};

}  // namespace popflow::http
