#pragma once
// Server configuration. Every setting has one key that names it everywhere:
//   TOML file:   max_body_bytes = 65536
//   environment: POPFLOW_MAX_BODY_BYTES=65536
//   flag:        --max-body-bytes 65536
// Precedence: flags > environment > config file > defaults. Start-up only; errors throw
// std::runtime_error naming the source and the key.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popflow {

struct Config {
  using ms = std::chrono::milliseconds;
  std::string data_dir = "./data";
  std::string http = "0.0.0.0:8080";
  std::string mqtt = "0.0.0.0:1883";
  // Several nodes (docs/cluster.md): redis://[user:password@]host:port[/db], the backplane
  // that carries triggers to the other nodes' subscribers; empty = one node alone.
  std::string store = "sqlite";  // or a PostgreSQL URL (CONTRACT "Several nodes")
  std::string redis;
  unsigned threads = 0;  // event loops; 0 = one per core
  std::string log_level = "info";
  bool access_log = true;
  std::size_t max_connections = 10'000;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_fields = 64;
  std::size_t max_depth = 8;
  std::size_t max_value_bytes = 8 * 1024;
  ms read_timeout{10'000};
  ms idle_timeout{60'000};
  ms shutdown_timeout{10'000};
  ms sse_heartbeat{15'000};
  std::size_t sse_queue_limit = 1024;
  // Bytes of events waiting to be written to one SSE stream; beyond, it is closed.
  std::size_t sse_max_unsent_bytes = 4 * 1024 * 1024;
  // Open SSE streams per client token and per customer (0 = unlimited).
  std::size_t sse_max_streams_per_token = 100;
  std::size_t sse_max_streams_per_customer = 5'000;
  std::vector<std::string> cors_origins{"*"};
  // The agent's client's Content-Security-Policy: where its workflows' http steps may connect
  // (beyond this server) and which pages may frame it (a CRM that embeds it).
  std::vector<std::string> agent_connect_src{"https:"};
  std::vector<std::string> agent_frame_ancestors{"'self'"};
  std::size_t token_cache_entries = 10'000;
  ms revocation_poll{1'000};
  // Refreshes of the key table a second, at most, for a key id it lacks (0 = wait for the poll).
  std::size_t key_refresh_rate = 20;
  // Triggers per second per API key (token bucket; 0 = unlimited) and the burst above it.
  std::size_t rate_limit = 1'000;
  std::size_t rate_burst = 2'000;
  // An event loop this far behind answers new triggers 503 (0 = never).
  ms overload_lag{250};
  // A retried trigger with the same Idempotency-Key/messageId within the window is answered
  // from memory, not published again.
  ms idempotency_window{600'000};
  std::size_t idempotency_max_entries = 100'000;
  // MQTT broker (issue #3).
  bool mqtt_allow_anonymous = false;
  std::size_t mqtt_max_packet_bytes = 1024 * 1024;
  std::size_t mqtt_max_inflight = 100;
  std::size_t mqtt_max_queued = 1000;
  std::size_t mqtt_max_unsent_bytes = 4 * 1024 * 1024;
  std::size_t mqtt_topic_alias_maximum = 10;
  // Topic aliases the server assigns to its PUBLISHes per 5.0 connection (at most what the
  // client's Topic Alias Maximum allows); 0 = none.
  std::uint16_t mqtt_server_topic_aliases = 10;
  // Longest keep-alive in seconds a client may use; 0 = no maximum. 5.0 clients asking more
  // (or 0) are told this one in CONNACK; 3.1.1 clients asking more (or 0) are refused.
  std::uint16_t mqtt_max_keepalive = 0;
  // Bounds on persistent sessions (issue 11): the longest one outlives its connection, 3.1.1
  // too (0 = no maximum), and how many one client token and one customer may hold (0 =
  // unlimited); beyond, CONNACK 0x97 (3.1.1: 3).
  ms mqtt_max_session_expiry{7LL * 24 * 3600 * 1000};
  std::size_t mqtt_max_sessions_per_token = 100;
  std::size_t mqtt_max_sessions_per_customer = 10'000;
  ms trigger_expiry{60'000};
  // Persistent MQTT sessions and retained messages are journaled to the store (issue #5).
  bool durability = true;
  bool durability_fsync = true;
  std::size_t durability_max_backlog = 100'000;
  // TLS: served only when both files are set.
  std::string tls_cert;
  std::string tls_key;
  std::string https = "0.0.0.0:8443";
  std::string mqtts = "0.0.0.0:8883";
  // Interaction workflows (issue 12): limits on a definition, console sign-in sessions, and
  // the trigger history (timelines) kept for GET /api/triggers/{id}.
  std::size_t workflow_max_bytes = 64 * 1024;
  std::size_t workflow_max_steps = 200;
  std::size_t workflow_max_depth = 50;
  ms console_session_idle{30LL * 60 * 1000};
  ms console_session_lifetime{12LL * 3600 * 1000};
  ms trigger_history{24LL * 3600 * 1000};
  std::size_t trigger_history_max = 100'000;
  std::size_t trigger_history_max_bytes = 64 * 1024 * 1024;
  // Tests only: /__fault/* routes that throw inside a handler (see http/dispatch.cpp).
  bool fault_injection = false;
};

struct Setting {
  std::string_view key;
  std::string_view help;
  // Parses text into the field; returns an error message or nullopt on success.
  std::function<std::optional<std::string>(Config&, std::string_view)> assign;
  std::function<std::string(const Config&)> show;
};

const std::vector<Setting>& settings();
std::string env_name(std::string_view key);   // "max_body_bytes" -> "POPFLOW_MAX_BODY_BYTES"
std::string flag_name(std::string_view key);  // "max_body_bytes" -> "--max-body-bytes"

struct ConfigSources {
  std::optional<std::string> file;                 // TOML
  std::function<const char*(const char*)> getenv;  // std::getenv in production
  std::map<std::string, std::string> flags;        // key -> text, only flags given
};

Config load_config(const ConfigSources& sources);

}  // namespace popflow
