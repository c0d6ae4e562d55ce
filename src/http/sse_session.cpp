#include "http/sse_session.hpp"

#include "core/log.hpp"
#include "core/time.hpp"
#include "topics/delivery_trace.hpp"

namespace popflow::http {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kIdField = "id: ";
constexpr std::string_view kDataField = "\ndata: ";
constexpr std::string_view kEventEnd = "\n\n";
// Chunks per write: a backlog goes out in few system calls (Asio hands up to 64 buffers to
// one writev, an event takes 5), and one write never gathers a whole queue.
constexpr std::size_t kMaxChunksPerWrite = 64;
// How long a closing stream's last event (an "error") may take to leave before the
// connection is cut anyway: a reader that stopped reading never takes it.
constexpr std::chrono::milliseconds kLastEventGrace{1000};

}  // namespace

std::size_t SseSession::Chunk::size() const {
  if (!message) return text.size();
  return kIdField.size() + message->id.size() + kDataField.size() + message->payload.size() +
         kEventEnd.size();
}

SseSession::SseSession(std::unique_ptr<net::Transport> transport, net::Worker& worker,
                       SubscribeRequest request)
    : transport_(std::move(transport)),
      worker_(worker),
      request_(std::move(request)),
      timer_(worker.io()) {
  worker_.state().metrics.connection_opened(net::ConnectionKind::sse);
}

SseSession::~SseSession() {
  unsubscribe();
  worker_.remove(registration_);
  worker_.state().metrics.connection_closed(net::ConnectionKind::sse);
  worker_.state().connections.fetch_sub(1, std::memory_order_relaxed);
}

void SseSession::start(std::string response_head) {
  registration_ = worker_.add(weak_from_this());
  response_head += ": subscribed\n\n";
  queue_text(std::move(response_head));  // before any event: deliveries queue behind it
  for (const auto& filter : request_.filters) worker_.state().router.subscribe(filter, this);
  subscribed_ = true;
  flush();
  wait_for_close();
  tick();
}

// Publisher's thread, under the router's read lock: O(1) and no copy of the message.
bool SseSession::deliver(const MessagePtr& message, std::span<const SubscriptionOptions>) {
  const auto& config = worker_.state().config;
  auto& metrics = worker_.state().metrics;
  Chunk chunk{message, {}};
  const auto size = chunk.size();
  std::lock_guard lock(mutex_);
  if (overflow_) {
    metrics.count_sse_dropped();
    return false;
  }
  if (unsent_bytes_ + size > config.sse_max_unsent_bytes)
    overflow_ = net::SseLimit::max_unsent_bytes;
  else if (unsent_messages_ >= config.sse_queue_limit)
    overflow_ = net::SseLimit::queue_limit;
  if (!overflow_) {
    pending_.push_back(std::move(chunk));
    unsent_bytes_ += size;
    ++unsent_messages_;
  } else {
    // The stream is closed on its worker; what waits for it is freed now and counted lost,
    // with this message.
    std::size_t lost = 1;
    for (const auto& waiting : pending_) {
      lost += waiting.is_message() ? 1 : 0;
      unsent_bytes_ -= waiting.size();
    }
    unsent_messages_ -= lost - 1;
    pending_.clear();
    metrics.count_sse_dropped(lost);
  }
  if (!flush_posted_) {
    flush_posted_ = true;
    worker_.schedule_flush(weak_from_this());
  }
  if (!overflow_) DeliveryTrace::note("sse", request_.claims ? request_.claims->key_id : "", false);
  return !overflow_;
}

void SseSession::queue_text(std::string text) {
  std::lock_guard lock(mutex_);
  unsent_bytes_ += text.size();
  pending_.push_back(Chunk{nullptr, std::move(text)});
}

void SseSession::flush() {
  std::optional<net::SseLimit> overflow;
  {
    std::lock_guard lock(mutex_);
    flush_posted_ = false;
    overflow = overflow_;
  }
  if (closed_) return;
  if (overflow && !close_after_write_) return close_slow(*overflow);
  if (!writing_.empty()) return;  // on_write() flushes again
  start_write();
  if (writing_.empty() && close_after_write_) close();
}

void SseSession::start_write() {
  {
    std::lock_guard lock(mutex_);
    while (!pending_.empty() && writing_.size() < kMaxChunksPerWrite) {
      writing_.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
  }
  if (writing_.empty()) return;
  // Built after writing_ is complete: a vector growing would move the texts' bytes.
  buffers_.clear();
  for (const auto& chunk : writing_) {
    if (!chunk.is_message()) {
      buffers_.push_back(asio::buffer(chunk.text));
      continue;
    }
    buffers_.push_back(asio::buffer(kIdField));
    buffers_.push_back(asio::buffer(chunk.message->id));
    buffers_.push_back(asio::buffer(kDataField));
    buffers_.push_back(asio::buffer(chunk.message->payload));
    buffers_.push_back(asio::buffer(kEventEnd));
  }
  last_write_ = std::chrono::steady_clock::now();
  transport_->write_gather(buffers_,
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             self->on_write(ec);
                           });
}

void SseSession::on_write(boost::system::error_code ec) {
  std::size_t bytes = 0;
  std::size_t messages = 0;
  for (const auto& chunk : writing_) {
    bytes += chunk.size();
    messages += chunk.is_message() ? 1 : 0;
  }
  buffers_.clear();
  writing_.clear();
  {
    std::lock_guard lock(mutex_);
    unsent_bytes_ -= bytes;
    unsent_messages_ -= messages;
  }
  if (ec) return close();
  flush();
}

void SseSession::close_slow(net::SseLimit limit) {
  const auto& config = worker_.state().config;
  const bool by_bytes = limit == net::SseLimit::max_unsent_bytes;
  const std::string_view setting = by_bytes ? "sse_max_unsent_bytes" : "sse_queue_limit";
  const auto value = by_bytes ? config.sse_max_unsent_bytes : config.sse_queue_limit;
  log::warn("sse stream closed: subscriber too slow",
            {{"customer", request_.claims->customer}, {"limit", setting}, {"value", value}});
  worker_.state().metrics.count_sse_slow_consumer(limit);
  unsubscribe();
  // A write still in flight means the reader has not taken what it was sent: an error event
  // would wait behind it forever.
  if (!writing_.empty()) return close();
  const Problem problem{503, "slow_consumer",
                        "this stream fell more than " + std::to_string(value) +
                            (by_bytes ? " bytes" : " messages") + " behind (" +
                            std::string(setting) + ") and is closed; reconnect and read faster",
                        ""};
  close_after("event: error\ndata: " + problem.to_json() + "\n\n");
}

void SseSession::close_after(std::string last_event) {
  queue_text(std::move(last_event));
  close_after_write_ = true;
  flush();
  if (closed_) return;
  timer_.expires_after(kLastEventGrace);  // also ends tick()'s wait
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->close();
  });
}

// The client never sends anything after its request; a completed read means it closed.
void SseSession::wait_for_close() {
  transport_->read_some(asio::buffer(discard_),
                        [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->wait_for_close();
                        });
}

void SseSession::tick() {
  const auto& config = worker_.state().config;
  timer_.expires_after(std::min(config.revocation_poll, config.sse_heartbeat));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->closed_ || self->close_after_write_) return;
    if (auto problem = self->refusal()) {
      self->unsubscribe();
      return self->close_after("event: error\ndata: " + problem->to_json() + "\n\n");
    }
    const auto idle = std::chrono::steady_clock::now() - self->last_write_;
    if (self->writing_.empty() && idle >= self->worker_.state().config.sse_heartbeat) {
      self->queue_text(": heartbeat\n\n");
      self->flush();
    }
    self->tick();
  });
}

// Whether the stream's credential still holds: its client token (expired, revoked), or
// what the stream was opened with instead (SubscribeRequest::recheck).
std::optional<Problem> SseSession::refusal() const {
  if (request_.recheck) return request_.recheck();
  auto valid = worker_.authenticator().still_valid(*request_.claims, unix_now());
  if (valid) return std::nullopt;
  return auth::to_problem(valid.error(), "client token");
}

void SseSession::unsubscribe() {
  if (!subscribed_) return;
  subscribed_ = false;
  for (const auto& filter : request_.filters) worker_.state().router.unsubscribe(filter, this);
}

void SseSession::close() {
  if (closed_) return;
  closed_ = true;
  unsubscribe();
  timer_.cancel();
  transport_->close();
  std::lock_guard lock(mutex_);
  for (const auto& chunk : pending_) {
    unsent_bytes_ -= chunk.size();
    unsent_messages_ -= chunk.is_message() ? 1 : 0;
  }
  pending_.clear();  // the write in flight, if any, ends with an error and frees the rest
}

}  // namespace popflow::http
