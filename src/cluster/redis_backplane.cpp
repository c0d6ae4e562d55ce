#include "cluster/redis_backplane.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <random>

#include "cluster/envelope.hpp"
#include "cluster/idempotency_function.hpp"
#include "cluster/publish_function.hpp"
#include "cluster/routing.hpp"
#include "core/log.hpp"

namespace popflow::cluster {
namespace {

namespace asio = boost::asio;

std::string random_node_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> pick;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(pick(device)));
  return text;
}

// Ids of the last few seconds of cross-node triggers at a high rate: a duplicate from the
// other channel arrives within milliseconds of the first copy.
constexpr std::size_t kRecentIds = 16 * 1024;

// Commands written but not answered, at most: beyond, Redis is not keeping up (or stuck until
// the reply timeout drops it), and triggers are counted unsent rather than held in memory.
constexpr std::size_t kMaxInFlight = 100'000;

}  // namespace

RedisBackplane::RedisBackplane(const RedisUrl& url, Deliver deliver)
    : node_id_(random_node_id()),
      redacted_url_(url.redacted()),
      deliver_(std::move(deliver)),
      publisher_(io_.get_executor(), url, LinkOptions{.name = "popflow-pub-" + node_id_}),
      subscriber_(
          io_.get_executor(), url, LinkOptions{.name = "popflow-sub-" + node_id_},
          [this](std::string_view channel, std::string_view payload) {
            on_message(channel, payload);
          },
          [this](std::string_view channel) { on_confirmed(channel); }),
      recent_(kRecentIds) {}

RedisBackplane::~RedisBackplane() {
  stop();
}

void RedisBackplane::LinkState::changed(bool now_up) {
  if (now_up && was_up) reconnects.fetch_add(1, std::memory_order_relaxed);
  was_up = was_up || now_up;
  up.store(now_up, std::memory_order_relaxed);
}

void RedisBackplane::start() {
  work_.emplace(io_.get_executor());
  publisher_.on_state([this](bool up) { on_publisher(up); });
  subscriber_.on_state([this](bool up) { subscriber_state_.changed(up); });
  asio::post(io_, [this] {
    publisher_.start();
    subscriber_.start();
  });
  thread_ = std::thread([this] { io_.run(); });
  log::info("cluster backplane started", {{"redis", redacted_url_}, {"node", node_id_}});
}

void RedisBackplane::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    subscriber_.close();
    publisher_.close();
    set_accepting(false);
    publisher_state_.up = false;
    subscriber_state_.up = false;
  });
  work_.reset();
  thread_.join();
}

void RedisBackplane::publish(const MessagePtr& message, Handed handed) {
  auto channels = channels_of_topic(message->topic);
  if (!channels) return;
  std::int64_t ttl_ms = 0;
  if (message->expires_at)
    ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*message->expires_at -
                                                                   std::chrono::steady_clock::now())
                 .count();
  // The worker only posts the message (a reference count); the cluster loop encodes it.
  asio::post(io_, [this, channels = std::move(*channels), message, ttl_ms,
                   handed = std::move(handed)]() mutable {
    if (!accepting() || publisher_.in_flight() >= kMaxInFlight) {
      unsent_.fetch_add(1, std::memory_order_relaxed);
      if (handed) handed(false);
      return;
    }
    const PublishCall call(channels.agent, channels.customer, node_id_, ttl_ms, message->id,
                           message->topic, message->payload);
    // One command, one round trip, pipelined with every other trigger's.
    publisher_.command(call.args(), [this, handed = std::move(handed)](Result<Reply> reply) {
      const bool ran = reply && !reply->is_error();
      if (reply && reply->is_error())
        log::warn("redis refused a publish", {{"error", std::string(reply->text())}});
      if (!ran) unsent_.fetch_add(1, std::memory_order_relaxed);
      if (handed) handed(ran);
    });
  });
}

void RedisBackplane::on_publisher(bool up) {
  publisher_state_.changed(up);
  if (!up) return set_accepting(false);
  // Before any FCALL, on every connect: a Redis restarted without persistence has lost the
  // library, and a rolling deploy may have replaced it with another release's version.
  // Both libraries pipelined; the second's answer comes last.
  auto loaded = std::make_shared<bool>(true);
  const auto check = [loaded](const Result<Reply>& r) {
    if (r && r->is_error())
      log::error("redis refused a function library (Redis 7.0 or later is needed)",
                 {{"error", std::string(r->text())}});
    *loaded = *loaded && r && !r->is_error();
  };
  publisher_.command({"FUNCTION", "LOAD", "REPLACE", publish_library()}, check);
  publisher_.command({"FUNCTION", "LOAD", "REPLACE", idempotency_library()},
                     [this, check, loaded](Result<Reply> r) {
                       check(r);
                       // Dropped again (the next connect loads them) or refused: triggers stay
                       // refused (503), a node publishing nothing would be worse.
                       if (!*loaded) return;
                       set_accepting(true);
                       auto waiting = std::move(awaiting_publisher_);
                       awaiting_publisher_.clear();
                       for (const auto& channel : waiting)
                         if (cursors_.contains(channel)) fetch(channel);
                     });
}

void RedisBackplane::claim_idempotency(std::string customer, std::string key,
                                       std::chrono::milliseconds ttl,
                                       std::function<void(IdempotencyClaim)> done) {
  asio::post(io_, [this, customer = std::move(customer), key = std::move(key), ttl,
                   done = std::move(done)] {
    if (!accepting()) return done({});  // unavailable: nothing claimed
    auto marker = node_id_ + ":" + std::to_string(++claims_);
    const auto redis_key = idempotency_key(customer, key);
    const auto window = std::to_string(ttl.count());
    publisher_.command(
        {"FCALL", kClaimFunction, "1", redis_key, marker, window},
        [marker, done = std::move(done)](Result<Reply> r) mutable {
          IdempotencyClaim claim;  // unavailable unless Redis said otherwise
          if (r && !r->is_error() && r->size() >= 1) {
            const auto state = (*r)[0].text();
            if (state == "claimed") {
              claim.state = IdempotencyClaim::State::claimed;
              claim.marker = std::move(marker);
            } else if (state == "replay" && r->size() == 2) {
              claim.state = IdempotencyClaim::State::replay;
              claim.answer = std::string((*r)[1].text());
            } else if (state == "in_progress") {
              claim.state = IdempotencyClaim::State::in_progress;
            }
          } else if (r) {
            log::warn("redis refused an idempotency claim", {{"error", std::string(r->text())}});
          }
          done(std::move(claim));
        });
  });
}

void RedisBackplane::complete_idempotency(std::string customer, std::string key, std::string marker,
                                          std::string answer, std::chrono::milliseconds ttl) {
  asio::post(io_, [this, customer = std::move(customer), key = std::move(key),
                   marker = std::move(marker), answer = std::move(answer), ttl] {
    // Not kept if Redis is away now: a retry elsewhere then finds the claim until it
    // expires (in_progress, 409), never a second publish.
    publisher_.command({"FCALL", kCompleteFunction, "1", idempotency_key(customer, key), marker,
                        answer, std::to_string(ttl.count())},
                       [](Result<Reply>) {});
  });
}

void RedisBackplane::release_idempotency(std::string customer, std::string key,
                                         std::string marker) {
  asio::post(io_, [this, customer = std::move(customer), key = std::move(key),
                   marker = std::move(marker)] {
    publisher_.command({"FCALL", kReleaseFunction, "1", idempotency_key(customer, key), marker},
                       [](Result<Reply>) {});
  });
}

void RedisBackplane::subscribed(std::string_view filter) {
  auto channel = channel_of_filter(filter);
  if (!channel) return;
  asio::post(io_, [this, channel = std::move(*channel)] { subscriber_.subscribe(channel); });
}

void RedisBackplane::unsubscribed(std::string_view filter) {
  auto channel = channel_of_filter(filter);
  if (!channel) return;
  asio::post(io_, [this, channel = std::move(*channel)] {
    subscriber_.unsubscribe(channel);
    if (!subscriber_.wanted(channel)) cursors_.erase(channel);
  });
}

bool RedisBackplane::reachable() const {
  return accepting() && subscriber_state_.up.load(std::memory_order_relaxed);
}

std::string RedisBackplane::render_metrics() const {
  const auto line = [](std::string& out, std::string_view name, std::string_view type,
                       std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  };
  const auto value = [](std::string& out, std::string_view series, std::uint64_t n) {
    out.append(series).append(" ").append(std::to_string(n)).append("\n");
  };
  const auto load = [](const std::atomic<std::uint64_t>& n) {
    return n.load(std::memory_order_relaxed);
  };
  std::string out;
  line(out, "popflow_backplane_connected", "gauge",
       "1 while the connection to Redis is up: publish (this node's triggers out), subscribe "
       "(other nodes' in).");
  value(out, R"(popflow_backplane_connected{link="publish"})", publisher_state_.up ? 1 : 0);
  value(out, R"(popflow_backplane_connected{link="subscribe"})", subscriber_state_.up ? 1 : 0);
  line(out, "popflow_backplane_reconnects_total", "counter",
       "Times a connection to Redis came up again after it was lost.");
  value(out, R"(popflow_backplane_reconnects_total{link="publish"})",
        load(publisher_state_.reconnects));
  value(out, R"(popflow_backplane_reconnects_total{link="subscribe"})",
        load(subscriber_state_.reconnects));
  line(out, "popflow_backplane_triggers_refused_total", "counter",
       "Triggers answered 503 backplane_unavailable: the publishing connection was down.");
  value(out, "popflow_backplane_triggers_refused_total", refused());
  line(out, "popflow_backplane_triggers_unsent_total", "counter",
       "Triggers Redis did not take (the connection dropped just then, Redis refused it or was "
       "too far behind): published here, answered 503 backplane_unavailable.");
  value(out, "popflow_backplane_triggers_unsent_total", unsent());
  line(out, "popflow_backplane_messages_received_total", "counter",
       "Other nodes' triggers delivered here (once each: this node's own and repeats are not "
       "counted).");
  value(out, "popflow_backplane_messages_received_total", load(received_));
  line(out, "popflow_backplane_messages_repaired_total", "counter",
       "Of those, the ones read back from a stream after a gap or a reconnect.");
  value(out, "popflow_backplane_messages_repaired_total", load(repaired_));
  line(out, "popflow_backplane_messages_lost_total", "counter",
       "Messages a gap or a reconnect missed that the stream no longer held (over its 1000 "
       "entries).");
  value(out, "popflow_backplane_messages_lost_total", load(lost_));
  return out;
}

bool RedisBackplane::deliver_envelope(const Envelope& envelope, std::int64_t ttl_ms) {
  // Our own subscribers had it from the router already; a second channel's copy is a repeat.
  if (envelope.origin == node_id_ || !recent_.first_time(envelope.id)) return false;
  if (ttl_ms <= 0) return false;  // expired on its way: never a stale pop
  auto message = std::make_shared<Message>();
  message->topic = envelope.topic;
  message->payload = envelope.payload;
  message->id = envelope.id;
  message->qos = 1;  // only triggers travel, and every trigger is QoS 1
  message->expires_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(ttl_ms);
  received_.fetch_add(1, std::memory_order_relaxed);
  try {
    deliver_(message);
  } catch (const std::exception& e) {  // one message lost, not the cluster loop
    log::error("cluster delivery failed", {{"error", e.what()}, {"topic", message->topic}});
  }
  return true;
}

}  // namespace popflow::cluster
