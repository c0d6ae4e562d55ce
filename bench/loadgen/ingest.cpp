// ingest: closed-loop keep-alive POSTs (each connection sends its next request as soon as the
// answer arrives) for --duration seconds after --warmup, on --threads io_context threads.
// Options: --name --host --pub-port --path --body --header --connections --threads
//          --duration --warmup --agents
#include "histogram.hpp"
#include "scenarios.hpp"
#include "tracker.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace bench {
using asio::use_awaitable;

std::unique_ptr<Publisher> make_publisher_from(const Options& o, asio::any_io_executor ex,
                                               int connections) {
  if (connections == 0) connections = static_cast<int>(o.num("connections", 64));
  Endpoint ep;
  ep.host = o.str("host", "127.0.0.1");
  ep.port = static_cast<unsigned short>(o.num("pub-port", 8080));
  if (o.str("publisher", "http") == "mqtt") {
    MqttTargetConfig c{ep, static_cast<int>(o.num("pub-connections", 4)),
                       static_cast<int>(o.num("pub-window", 64)), o.str("topic", "bench/{agent}"),
                       o.str("body", "{\"seq\":{seq},\"agentId\":\"{agent}\"}")};
    return make_mqtt_publisher(ex, std::move(c));
  }
  std::string header = o.str("header");
  HttpTargetConfig c{ep, connections, o.str("path", "/"),
                     o.str("body", "{\"seq\":{seq},\"agentId\":\"{agent}\"}"),
                     header.empty() ? "" : header + "\r\n"};
  return make_http_publisher(ex, std::move(c));
}

namespace {

// One thread's share of the connections, with its own counters (merged after the run).
struct IngestWorker {
  asio::io_context ioc{1};
  std::unique_ptr<Publisher> publisher;
  Histogram latency;
  std::uint64_t ok = 0, refused = 0, seq = 0;
  bool measuring = false, running = true;
};

awaitable<void> drive(IngestWorker& w, int agents, int index, double warmup, double duration) {
  w.seq = static_cast<std::uint64_t>(index) << 40;  // seqs of different threads never meet
  co_await w.publisher->connect();
  auto next = [&w, agents] {
    ++w.seq;
    return w.publisher->try_publish(std::to_string(w.seq % agents), w.seq);
  };
  w.publisher->on_done = [&w, next](bool ok, std::uint64_t ns) {
    if (w.measuring) {
      if (ok) {
        ++w.ok;
        w.latency.record(ns);
      } else
        ++w.refused;
    }
    if (w.running) next();
  };
  while (next()) {
  }
  asio::steady_timer timer(w.ioc);
  timer.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup)));
  co_await timer.async_wait(use_awaitable);
  w.measuring = true;
  timer.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration)));
  co_await timer.async_wait(use_awaitable);
  w.measuring = w.running = false;
  w.ioc.stop();
}

}  // namespace

int run_ingest(const Options& o) {
  int threads = static_cast<int>(o.num("threads", 1));
  int agents = static_cast<int>(o.num("agents", 1000));
  double duration = o.real("duration", 5), warmup = o.real("warmup", 1);
  int per_thread = static_cast<int>(o.num("connections", 64)) / threads;

  std::vector<std::unique_ptr<IngestWorker>> workers;
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) {
    auto w = std::make_unique<IngestWorker>();
    w->publisher = make_publisher_from(o, w->ioc.get_executor(), per_thread);
    workers.push_back(std::move(w));
  }
  for (int i = 0; i < threads; ++i) {
    IngestWorker& w = *workers[i];
    asio::co_spawn(w.ioc, drive(w, agents, i, warmup, duration), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    running.emplace_back([&w] { w.ioc.run(); });
  }
  for (auto& t : running) t.join();

  Histogram latency;
  std::uint64_t ok = 0, refused = 0, failures = 0;
  for (auto& w : workers) {
    latency.merge(w->latency);
    ok += w->ok;
    refused += w->refused;
    failures += w->publisher->failures;
  }
  JsonLine()
      .add("scenario", "ingest")
      .add("target", o.str("name", "?"))
      .add("connections", static_cast<double>(o.num("connections", 64)))
      .add("threads", threads)
      .add("duration_s", duration)
      .add("ok", static_cast<double>(ok))
      .add("refused", static_cast<double>(refused))
      .add("failures", static_cast<double>(failures))
      .add("rps", static_cast<double>(ok + refused) / duration)
      .add("p50_us", latency.quantile_us(0.50))
      .add("p99_us", latency.quantile_us(0.99))
      .print();
  return failures == 0 ? 0 : 1;
}

}  // namespace bench
