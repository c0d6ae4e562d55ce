// connections: --count idle MQTT subscribers (each its own topic), spread over --threads
// io_context threads and --sources local addresses 127.0.0.1.. (one address has ~28k
// ephemeral ports; more addresses let a run go past that). Prints one JSON line once all
// are subscribed, then holds them for --hold seconds while bench/run.sh reads the server's
// RSS, keeping them alive with PINGREQs.
// Options: --name --host --sub-port --token --count --threads --sources --sub-topic --hold
//          --offset (first index: several processes share one count without clashing ids)
#include "scenarios.hpp"
#include "subscriber.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace bench {
using asio::use_awaitable;

namespace {

struct Totals {
  std::atomic<std::uint64_t> ready{0}, failed{0}, stray{0};
  std::atomic<int> threads_done{0};
};

// Opens this thread's share, at most 200 connects pending at once: a burst of thousands
// of SYNs overflows the listen backlog and turns into one-second retransmits.
awaitable<void> open_share(const Options& o, long first, long count, Totals& totals,
                           std::vector<std::unique_ptr<Subscriber>>& subs,
                           SubscriberCounts& counts) {
  auto ex = co_await asio::this_coro::executor;
  SubscriberConfig sc;
  sc.protocol = Protocol::mqtt;
  sc.endpoint.host = o.str("host", "127.0.0.1");
  sc.endpoint.port = static_cast<unsigned short>(o.num("sub-port", 1883));
  sc.token = o.str("token");
  long sources = o.num("sources", 4);
  std::string topic = o.str("sub-topic", "CTI/bench/idle{agent}");
  asio::steady_timer timer(ex);
  for (long i = first; i < first + count; ++i) {
    while (static_cast<long>(subs.size() - counts.ready - counts.failed) >= 200) {
      timer.expires_after(std::chrono::milliseconds(1));
      co_await timer.async_wait(use_awaitable);
    }
    sc.endpoint.source = "127.0.0." + std::to_string(1 + i % sources);
    std::string agent = std::to_string(i);
    subs.push_back(
        Subscriber::start(ex, sc, render(topic, agent, 0), "idle-" + agent, nullptr, counts));
  }
  for (int waited = 0; counts.ready + counts.failed < subs.size() && waited < 30000; ++waited) {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(use_awaitable);
  }
  totals.ready += counts.ready;
  totals.failed += counts.failed;
  totals.stray += counts.stray;
  ++totals.threads_done;
}

}  // namespace

int run_connections(const Options& o) {
  long count = o.num("count", 10000), offset = o.num("offset", 0);
  int threads = static_cast<int>(o.num("threads", 2));
  Totals totals;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::vector<std::unique_ptr<Subscriber>>> subs(threads);
  std::vector<SubscriberCounts> counts(threads);
  std::vector<std::thread> running;
  auto started = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    loops.push_back(std::make_unique<asio::io_context>(1));
    long share = count / threads + (t < count % threads ? 1 : 0);
    long first = offset + t * (count / threads) + std::min<long>(t, count % threads);
    asio::co_spawn(*loops[t], open_share(o, first, share, totals, subs[t], counts[t]),
                   asio::detached);
    running.emplace_back([&loop = *loops[t]] { loop.run(); });
  }
  while (totals.threads_done < threads) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  JsonLine()
      .add("scenario", "connections")
      .add("target", o.str("name", "?"))
      .add("count", static_cast<double>(count))
      .add("ready", static_cast<double>(totals.ready))
      .add("failed", static_cast<double>(totals.failed))
      .add("connect_s", seconds)
      .print();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.real("hold", 600)));
  // Joined before `running` goes out of scope: a joinable std::thread's destructor terminates.
  for (auto& loop : loops) loop->stop();
  for (auto& thread : running) thread.join();
  return totals.failed == 0 ? 0 : 1;
}

}  // namespace bench
