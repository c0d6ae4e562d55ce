#include "http/sse_session.hpp"

#include "core/log.hpp"
#include "core/time.hpp"

namespace popflow::http {

namespace asio = boost::asio;

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
  for (const auto& filter : request_.filters) worker_.state().router.subscribe(filter, this);
  subscribed_ = true;
  next_ = std::move(response_head);
  next_ += ": subscribed\n\n";
  flush();
  wait_for_close();
  tick();
}

bool SseSession::deliver(const MessagePtr& message, std::span<const SubscriptionOptions>) {
  std::lock_guard lock(mutex_);
  if (overflow_) return false;
  if (pending_.size() >= worker_.state().config.sse_queue_limit) {
    overflow_ = true;
    worker_.state().metrics.count_sse_dropped();
  } else {
    pending_.push_back(message);
  }
  if (!flush_posted_) {
    flush_posted_ = true;
    worker_.schedule_flush(weak_from_this());
  }
  return !overflow_;
}

void SseSession::flush() {
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    flush_posted_ = false;
    overflow = overflow_;
    for (const auto& message : pending_) {
      next_.append("id: ").append(message->id).append("\ndata: ").append(message->payload);
      next_.append("\n\n");
    }
    pending_.clear();
  }
  if (overflow) {
    log::warn("sse stream closed: subscriber too slow",
              {{"customer", request_.claims->customer},
               {"queue_limit", worker_.state().config.sse_queue_limit}});
    return close();
  }
  if (writing_ || next_.empty() || closed_) return;
  out_.swap(next_);
  next_.clear();
  writing_ = true;
  last_write_ = std::chrono::steady_clock::now();
  transport_->write(asio::buffer(out_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->on_write(ec);
                    });
}

void SseSession::on_write(boost::system::error_code ec) {
  writing_ = false;
  if (ec) return close();
  out_.clear();
  flush();
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
    if (ec || self->closed_) return;
    auto valid = self->worker_.authenticator().still_valid(*self->request_.claims, unix_now());
    if (!valid) {
      const auto problem = auth::to_problem(valid.error(), "client token");
      self->next_ += "event: error\ndata: " + problem.to_json() + "\n\n";
      self->unsubscribe();
      self->flush();
      // Give the error event a moment to leave, then close.
      self->timer_.expires_after(std::chrono::milliseconds(100));
      self->timer_.async_wait([self](boost::system::error_code) { self->close(); });
      return;
    }
    const auto idle = std::chrono::steady_clock::now() - self->last_write_;
    if (!self->writing_ && idle >= self->worker_.state().config.sse_heartbeat) {
      self->next_ += ": heartbeat\n\n";
      self->flush();
    }
    self->tick();
  });
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
}

}  // namespace popflow::http
