#include "net/metrics.hpp"

#include <fmt/format.h>

namespace popflow::net {
namespace {

constexpr std::array<std::string_view, kRouteCount> kRouteNames{
    "cti", "crm", "subscribe", "health", "metrics", "mqtt", "admin", "timeline", "other"};

constexpr std::array<std::string_view, 7> kRunOutcomes{
    "executed", "failed", "no_publication", "profile_mismatch", "duplicate", "stale", "superseded"};

std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

std::string_view to_string(Route route) {
  return kRouteNames[static_cast<std::size_t>(route)];
}

void Metrics::count_request(Route route, unsigned status, std::chrono::nanoseconds latency) {
  requests_[static_cast<std::size_t>(route)][status < kStatusCount ? status : 0].fetch_add(
      1, std::memory_order_relaxed);
  if (route != Route::cti && route != Route::crm) return;
  const auto us = static_cast<std::uint64_t>(latency.count() / 1000);
  std::size_t bucket = 0;
  while (bucket < kBucketsUs.size() && us > kBucketsUs[bucket]) ++bucket;
  trigger_latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  trigger_latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(latency.count()),
                                    std::memory_order_relaxed);
}

void Metrics::count_published(std::size_t delivered) {
  published_.fetch_add(1, std::memory_order_relaxed);
  delivered_.fetch_add(delivered, std::memory_order_relaxed);
}

void Metrics::count_run(std::string_view outcome) {
  for (std::size_t i = 0; i < kRunOutcomes.size(); ++i)
    if (kRunOutcomes[i] == outcome) runs_[i].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_auth_failure(auth::AuthFailure reason) {
  auth_failures_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_opened(ConnectionKind kind) {
  open_[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_closed(ConnectionKind kind) {
  open_[static_cast<std::size_t>(kind)].fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::count_sse_slow_consumer(SseLimit limit) {
  sse_slow_consumers_[static_cast<std::size_t>(limit)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_sse_refused(StreamQuota::Limit limit) {
  sse_refused_[static_cast<std::size_t>(limit)].fetch_add(1, std::memory_order_relaxed);
}

std::size_t Metrics::open_connections(ConnectionKind kind) const {
  return static_cast<std::size_t>(open_[static_cast<std::size_t>(kind)].load());
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  header(out, "popflow_http_requests_total", "counter", "HTTP requests by route and status.");
  for (std::size_t route = 0; route < kRouteCount; ++route) {
    for (std::size_t status = 0; status < kStatusCount; ++status) {
      if (const auto n = load(requests_[route][status]))
        out += fmt::format("popflow_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                           kRouteNames[route], status, n);
    }
  }
  header(out, "popflow_trigger_duration_seconds", "histogram",
         "Time from a trigger's last byte read to its response queued.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kBucketsUs.size(); ++i) {
    cumulative += load(trigger_latency_[i]);
    const auto le = i < kBucketsUs.size() ? fmt::format("{}", kBucketsUs[i] / 1e6) : "+Inf";
    out += fmt::format("popflow_trigger_duration_seconds_bucket{{le=\"{}\"}} {}\n", le, cumulative);
  }
  out += fmt::format("popflow_trigger_duration_seconds_sum {}\n",
                     static_cast<double>(load(trigger_latency_sum_ns_)) / 1e9);
  out += fmt::format("popflow_trigger_duration_seconds_count {}\n", cumulative);

  header(out, "popflow_messages_published_total", "counter", "Messages published by triggers.");
  out += fmt::format("popflow_messages_published_total {}\n", load(published_));
  header(out, "popflow_messages_delivered_total", "counter",
         "Deliveries to subscribers (one message to N subscribers counts N).");
  out += fmt::format("popflow_messages_delivered_total {}\n", load(delivered_));
  header(out, "popflow_sse_dropped_total", "counter",
         "Messages SSE streams lost because they were closed as too slow.");
  out += fmt::format("popflow_sse_dropped_total {}\n", load(sse_dropped_));
  header(out, "popflow_handler_failures_total", "counter",
         "Exceptions that escaped a handler: its connection was closed, its loop went on.");
  for (const auto& [site, index] :
       {std::pair{"http", FailureSite::http}, std::pair{"mqtt", FailureSite::mqtt},
        std::pair{"loop", FailureSite::loop}})
    out += fmt::format("popflow_handler_failures_total{{site=\"{}\"}} {}\n", site,
                       load(handler_failures_[static_cast<std::size_t>(index)]));
  header(out, "popflow_sse_slow_consumers_total", "counter",
         "SSE streams closed for falling behind, by the limit they went past.");
  out += fmt::format("popflow_sse_slow_consumers_total{{limit=\"sse_max_unsent_bytes\"}} {}\n",
                     load(sse_slow_consumers_[0]));
  out += fmt::format("popflow_sse_slow_consumers_total{{limit=\"sse_queue_limit\"}} {}\n",
                     load(sse_slow_consumers_[1]));
  header(out, "popflow_sse_streams_refused_total", "counter",
         "SSE streams refused 429 too_many_streams, by the limit they hit.");
  for (std::size_t i = 0; i < sse_refused_.size(); ++i)
    out += fmt::format("popflow_sse_streams_refused_total{{limit=\"{}\"}} {}\n",
                       to_string(static_cast<StreamQuota::Limit>(i)), load(sse_refused_[i]));

  header(out, "popflow_workflow_unresolved_total", "counter",
         "Triggers whose event resolved to no published workflow, by reason.");
  for (std::size_t i = 0; i < unresolved_.size(); ++i)
    out += fmt::format("popflow_workflow_unresolved_total{{reason=\"{}\"}} {}\n",
                       workflows::to_string(static_cast<workflows::Unresolved>(i)),
                       load(unresolved_[i]));
  header(out, "popflow_workflow_runs_total", "counter",
         "Runs agents' clients reported, by outcome.");
  for (std::size_t i = 0; i < runs_.size(); ++i)
    out += fmt::format("popflow_workflow_runs_total{{outcome=\"{}\"}} {}\n", kRunOutcomes[i],
                       load(runs_[i]));
  header(out, "popflow_console_sign_ins_total", "counter",
         "Console sign-in attempts by result (ok, refused, throttled).");
  for (std::size_t i = 0; i < sign_ins_.size(); ++i)
    out += fmt::format("popflow_console_sign_ins_total{{result=\"{}\"}} {}\n",
                       std::array{"ok", "refused", "throttled"}[i], load(sign_ins_[i]));
  header(out, "popflow_auth_failures_total", "counter", "Refused keys and tokens by reason.");
  for (std::size_t i = 0; i < auth::kAuthFailureCount; ++i)
    out += fmt::format("popflow_auth_failures_total{{reason=\"{}\"}} {}\n",
                       auth::label(static_cast<auth::AuthFailure>(i)), load(auth_failures_[i]));

  header(out, "popflow_open_connections", "gauge", "Open client connections by kind.");
  out += fmt::format("popflow_open_connections{{kind=\"http\"}} {}\n", open_[0].load());
  out += fmt::format("popflow_open_connections{{kind=\"sse\"}} {}\n", open_[1].load());
  out += fmt::format("popflow_open_connections{{kind=\"mqtt\"}} {}\n", open_[2].load());
  return out;
}

}  // namespace popflow::net
