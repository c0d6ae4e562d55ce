#pragma once
// One Server-Sent Events stream: GET /api/subscribe after its token and filters passed.
//
// Threads: the stream lives on the worker that accepted it. deliver() is called by the
// Router on whichever thread published; it only appends to a mutex-guarded queue and
// schedules one flush on the worker, so a publisher never waits for a slow reader.
//
// Memory: the queue holds the published messages themselves (shared with every other
// subscriber), not copies: an event "id: <id>\ndata: <payload>\n\n" is written with a gather
// write straight from the message's strings, so N streams of one message cost N queue
// entries, not N copies of its bytes. What one stream may hold is bounded twice: a stream
// with more than Config::sse_max_unsent_bytes of events or Config::sse_queue_limit messages
// not yet written is closed as a slow consumer (an "error" event first when its socket can
// still take it; EventSource reconnects), its queue freed, and counted in /metrics.
//
// The token is re-checked every Config::revocation_poll: a revoked or expired token's
// stream gets an "error" event and is closed.
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/subscribe_request.hpp"
#include "net/metrics.hpp"
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
  // One piece of the stream: a published message's event, or text of the stream's own
  // (the response head, heartbeats, error events).
  struct Chunk {
    MessagePtr message;
    std::string text;
    std::size_t size() const;
    bool is_message() const { return message != nullptr; }
  };

  void queue_text(std::string text);  // worker thread
  void flush();
  void start_write();
  void on_write(boost::system::error_code ec);
  void close_slow(net::SseLimit limit);
  // Writes `last_event` after what is queued, then closes (after kLastEventGrace at most).
  void close_after(std::string last_event);
  void wait_for_close();
  void tick();
  void close();
  void unsubscribe();
  std::optional<Problem> refusal() const;

  std::unique_ptr<net::Transport> transport_;
  net::Worker& worker_;
  SubscribeRequest request_;
  boost::asio::steady_timer timer_;
  std::uint64_t registration_ = 0;
  bool subscribed_ = false;
  bool closed_ = false;
  bool close_after_write_ = false;
  // The write in flight (worker thread only): its chunks keep the bytes alive and
  // buffers_ points into them.
  std::vector<Chunk> writing_;
  std::vector<boost::asio::const_buffer> buffers_;
  std::chrono::steady_clock::time_point last_write_;
  std::array<char, 512> discard_{};

  std::mutex mutex_;  // guards the members below (publisher threads and the worker)
  std::deque<Chunk> pending_;
  std::size_t unsent_bytes_ = 0;     // pending_ and writing_, against sse_max_unsent_bytes
  std::size_t unsent_messages_ = 0;  // messages in pending_ and writing_, against sse_queue_limit
  bool flush_posted_ = false;
  std::optional<net::SseLimit> overflow_;  // set once the stream is over a bound
};

}  // namespace popflow::http
