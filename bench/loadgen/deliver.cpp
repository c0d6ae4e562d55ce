// deliver / fan-out: --subscribers clients subscribe (each its own topic, or with --fanout 1
// all the same one), then a publisher sends triggers in phases and every copy is matched by
// the Tracker. A phase is "sat:SECONDS" (saturation: keep --window triggers not yet fully
// delivered in flight, so the figure is what is delivered, not what is accepted) or
// "RATE:SECONDS" (open loop at RATE triggers/s). One JSON line per phase.
// Options: --name --protocol mqtt|mqtt-ws|sse|nchan-ws --sub-port --token --subscribers
//          --sub-topic (template, {agent} = subscriber index or "all") --fanout 0|1
//          --phases --window --drain, --persistent 0|1 (MQTT clean session 0), --settle-ms
//          (a pause between the last SUBACK and the first trigger), and the publisher's (see
//          make_publisher_from)
#include "scenarios.hpp"
#include "subscriber.hpp"
#include "tracker.hpp"

#include <sstream>
#include <vector>

namespace bench {
using asio::use_awaitable;

namespace {

struct Phase {
  std::string name;
  double rate = 0;  // 0 = saturation
  double seconds = 0;
};

std::vector<Phase> parse_phases(const std::string& spec) {
  std::vector<Phase> out;
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto colon = item.find(':');
    Phase p{item.substr(0, colon), 0, std::stod(item.substr(colon + 1))};
    if (p.name != "sat") p.rate = std::stod(p.name);
    out.push_back(p);
  }
  return out;
}

awaitable<void> sleep_for(double seconds) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  co_await t.async_wait(use_awaitable);
}

// Decides when the next trigger goes out: at saturation whenever fewer than `window` are
// undelivered, at a fixed rate when the schedule says so (sent count = rate x elapsed).
class Pacer {
 public:
  Pacer(asio::any_io_executor ex, Publisher& pub, Tracker& tracker, int agents, bool fanout)
      : timer_(ex), pub_(pub), tracker_(tracker), agents_(agents), fanout_(fanout) {}

  void start(const Phase& phase, std::uint64_t window) {
    phase_ = phase;
    window_ = window;
    start_ = Clock::now();
    sent_ = 0;
    running_ = true;
    pump();
  }
  void stop() {
    running_ = false;
    timer_.cancel();
  }
  std::uint64_t sent() const { return sent_; }

  void pump() {
    while (running_) {
      auto now = Clock::now();
      if (phase_.rate > 0) {
        double due = std::chrono::duration<double>(now - start_).count() * phase_.rate;
        if (static_cast<double>(sent_) >= due)
          return arm(static_cast<double>(sent_ + 1) / phase_.rate);
      } else if (tracker_.outstanding() >= window_) {
        return;
      }
      std::uint64_t seq = tracker_.next_seq();
      std::string agent = fanout_ ? "all" : std::to_string(seq % agents_);
      tracker_.on_sent(now);  // before the write, which try_publish starts at once
      if (!pub_.try_publish(agent, seq)) {
        tracker_.unsend();
        return;
      }
      ++sent_;
    }
  }

 private:
  void arm(double at_s) {
    if (armed_) return;
    armed_ = true;
    timer_.expires_at(
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at_s)));
    timer_.async_wait([this](boost::system::error_code) {
      armed_ = false;
      pump();
    });
  }

  asio::steady_timer timer_;
  Publisher& pub_;
  Tracker& tracker_;
  int agents_;
  bool fanout_;
  Phase phase_;
  std::uint64_t window_ = 0, sent_ = 0;
  Clock::time_point start_;
  bool running_ = false, armed_ = false;
};

awaitable<int> deliver_main(const Options& o) {
  auto ex = co_await asio::this_coro::executor;
  int subscribers = static_cast<int>(o.num("subscribers", 1000));
  bool fanout = o.num("fanout", 0) != 0;
  Tracker tracker(fanout ? static_cast<std::uint32_t>(subscribers) : 1);

  SubscriberConfig sc;
  sc.protocol = parse_protocol(o.str("protocol", "mqtt"));
  sc.endpoint.host = o.str("host", "127.0.0.1");
  sc.endpoint.port = static_cast<unsigned short>(o.num("sub-port", 1883));
  sc.token = o.str("token");
  sc.persistent = o.num("persistent", 0) != 0;
  SubscriberCounts counts;
  std::vector<std::unique_ptr<Subscriber>> subs;
  std::string topic = o.str("sub-topic", "CTI/bench/{agent}");
  for (int i = 0; i < subscribers; ++i) {
    std::string agent = fanout ? "all" : std::to_string(i);
    subs.push_back(Subscriber::start(ex, sc, render(topic, agent, 0), "sub-" + std::to_string(i),
                                     &tracker, counts));
  }
  for (int waited = 0; counts.ready + counts.failed < static_cast<std::uint64_t>(subscribers);
       ++waited) {
    if (waited > 3000) break;  // 30 s
    co_await sleep_for(0.01);
  }
  if (counts.ready < static_cast<std::uint64_t>(subscribers)) {
    std::fprintf(stderr, "deliver: only %llu of %d subscribers ready (%llu failed)\n",
                 static_cast<unsigned long long>(counts.ready), subscribers,
                 static_cast<unsigned long long>(counts.failed));
    co_return 1;
  }

  // Subscribed is not yet routed everywhere: with the publisher on another node, that node
  // hears of the subscriptions once Redis confirms the subscribing node's SUBSCRIBEs.
  if (const long settle_ms = o.num("settle-ms", 0); settle_ms > 0)
    co_await sleep_for(settle_ms / 1000.0);
  auto publisher = make_publisher_from(o, ex);
  co_await publisher->connect();
  std::uint64_t refused = 0;
  Pacer pacer(ex, *publisher, tracker, subscribers, fanout);
  publisher->on_done = [&](bool ok, std::uint64_t) {
    if (!ok) ++refused;
    pacer.pump();
  };
  tracker.on_completed = [&] { pacer.pump(); };

  int rc = 0;
  auto window = static_cast<std::uint64_t>(o.num("window", fanout ? 4 : 256));
  for (const Phase& phase : parse_phases(o.str("phases", "sat:5"))) {
    refused = 0;
    tracker.begin_phase(Clock::now());
    pacer.start(phase, window);
    co_await sleep_for(phase.seconds);
    pacer.stop();
    auto stopped = Clock::now();
    // Let what is in flight arrive; whatever has not after --drain seconds is missing.
    for (double waited = 0; tracker.outstanding() > 0 && waited < o.real("drain", 3);
         waited += 0.002)
      co_await sleep_for(0.002);
    PhaseStats s = tracker.end_phase(stopped);
    if (s.missing > 0 || s.duplicates > 0 || refused > 0 || counts.failed > 0) rc = 1;
    JsonLine()
        .add("scenario", fanout ? "fanout" : "deliver")
        .add("target", o.str("name", "?"))
        .add("phase", phase.name)
        .add("subscribers", subscribers)
        .add("target_rate", phase.rate)
        .add("seconds", phase.seconds)
        .add("sent", static_cast<double>(s.sent))
        .add("sent_per_s", static_cast<double>(s.sent) / phase.seconds)
        .add("completed", static_cast<double>(s.completed))
        .add("completed_per_s", static_cast<double>(s.completed) / s.elapsed_s)
        .add("copies", static_cast<double>(s.copies))
        .add("copies_per_s", static_cast<double>(s.copies) / s.elapsed_s)
        .add("missing", static_cast<double>(s.missing))
        .add("duplicates", static_cast<double>(s.duplicates))
        .add("unknown", static_cast<double>(s.unknown))
        .add("refused", static_cast<double>(refused))
        .add("dropped_subscribers", static_cast<double>(counts.failed))
        .add("p50_us", s.latency.quantile_us(0.5))
        .add("p99_us", s.latency.quantile_us(0.99))
        .add("p999_us", s.latency.quantile_us(0.999))
        .print();
  }
  co_return rc;
}

}  // namespace

int run_deliver(const Options& o) {
  asio::io_context ioc(1);
  int rc = 1;
  asio::co_spawn(ioc, deliver_main(o), [&](std::exception_ptr e, int result) {
    if (e) std::rethrow_exception(e);
    rc = result;
    ioc.stop();
  });
  ioc.run();
  return rc;
}

}  // namespace bench
