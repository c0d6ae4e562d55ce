#include "net/metrics.hpp"

#include <gtest/gtest.h>

namespace popflow::net {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, RendersCountersInPrometheusText) {
  Metrics metrics;
  metrics.count_request(Route::cti, 200, std::chrono::microseconds(80));
  metrics.count_request(Route::cti, 200, std::chrono::microseconds(300));
  metrics.count_request(Route::crm, 401, std::chrono::milliseconds(2));
  metrics.count_published(3);
  metrics.count_auth_failure(auth::AuthFailure::revoked);
  metrics.connection_opened(ConnectionKind::sse);
  const auto text = metrics.render();
  EXPECT_TRUE(has_line(text, R"(popflow_http_requests_total{route="cti",status="200"} 2)"));
  EXPECT_TRUE(has_line(text, R"(popflow_http_requests_total{route="crm",status="401"} 1)"));
  EXPECT_TRUE(has_line(text, R"(popflow_trigger_duration_seconds_bucket{le="0.0001"} 1)"));
  EXPECT_TRUE(has_line(text, R"(popflow_trigger_duration_seconds_bucket{le="0.0005"} 2)"));
  EXPECT_TRUE(has_line(text, R"(popflow_trigger_duration_seconds_bucket{le="+Inf"} 3)"));
  EXPECT_TRUE(has_line(text, "popflow_messages_published_total 1"));
  EXPECT_TRUE(has_line(text, "popflow_messages_delivered_total 3"));
  EXPECT_TRUE(has_line(text, R"(popflow_auth_failures_total{reason="revoked_key"} 1)"));
  EXPECT_TRUE(has_line(text, R"(popflow_open_connections{kind="sse"} 1)"));
}

TEST(Metrics, CountsSlowAndRefusedSseStreamsByLimit) {
  Metrics metrics;
  metrics.count_sse_slow_consumer(SseLimit::max_unsent_bytes);
  metrics.count_sse_slow_consumer(SseLimit::max_unsent_bytes);
  metrics.count_sse_slow_consumer(SseLimit::queue_limit);
  metrics.count_sse_dropped(5);
  metrics.count_sse_refused(StreamQuota::Limit::per_customer);
  const auto text = metrics.render();
  EXPECT_TRUE(
      has_line(text, R"(popflow_sse_slow_consumers_total{limit="sse_max_unsent_bytes"} 2)"));
  EXPECT_TRUE(has_line(text, R"(popflow_sse_slow_consumers_total{limit="sse_queue_limit"} 1)"));
  EXPECT_TRUE(has_line(text, "popflow_sse_dropped_total 5"));
  EXPECT_TRUE(has_line(
      text, R"(popflow_sse_streams_refused_total{limit="sse_max_streams_per_customer"} 1)"));
  EXPECT_TRUE(
      has_line(text, R"(popflow_sse_streams_refused_total{limit="sse_max_streams_per_token"} 0)"));
}

}  // namespace
}  // namespace popflow::net
