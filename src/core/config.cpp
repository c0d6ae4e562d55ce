#include "core/config.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <limits>
#include <stdexcept>

#include "core/duration.hpp"

namespace popflow {
namespace {

using Error = std::optional<std::string>;

template <class Field>
Setting size_setting(std::string_view key, std::string_view help, Field Config::*field) {
  return {key, help,
          [field](Config& c, std::string_view text) -> Error {
            std::uint64_t v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc{} || end != text.data() + text.size())
              return "expected a non-negative whole number, got '" + std::string(text) + "'";
            // `threads` is narrower than what from_chars accepts; refuse rather than wrap.
            if (v > std::numeric_limits<Field>::max())
              return "expected at most " + std::to_string(std::numeric_limits<Field>::max()) +
                     ", got '" + std::string(text) + "'";
            c.*field = static_cast<Field>(v);
            return std::nullopt;
          },
          [field](const Config& c) { return std::to_string(c.*field); }};
}

Setting duration_setting(std::string_view key, std::string_view help, Config::ms Config::*field) {
  return {key, help,
          [field](Config& c, std::string_view text) -> Error {
            auto d = parse_duration(text);
            if (!d)
              return "expected a duration like 500ms, 30s, 5m, got '" + std::string(text) + "'";
            c.*field = *d;
            return std::nullopt;
          },
          [field](const Config& c) { return std::to_string((c.*field).count()) + "ms"; }};
}

Setting string_setting(std::string_view key, std::string_view help, std::string Config::*field) {
  return {key, help,
          [field](Config& c, std::string_view text) -> Error {
            c.*field = std::string(text);
            return std::nullopt;
          },
          [field](const Config& c) { return c.*field; }};
}

Setting bool_setting(std::string_view key, std::string_view help, bool Config::*field) {
  return {key, help,
          [field](Config& c, std::string_view text) -> Error {
            if (text == "true" || text == "1" || text == "yes" || text == "on")
              c.*field = true;
            else if (text == "false" || text == "0" || text == "no" || text == "off")
              c.*field = false;
            else
              return "expected true or false, got '" + std::string(text) + "'";
            return std::nullopt;
          },
          [field](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}

Setting list_setting(std::string_view key, std::string_view help,
                     std::vector<std::string> Config::*field) {
  return {key, help,
          [field](Config& c, std::string_view text) -> Error {
            std::vector<std::string> items;
            while (!text.empty()) {
              auto comma = text.find(',');
              auto item = text.substr(0, comma);
              if (!item.empty()) items.emplace_back(item);
              text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
            }
            c.*field = std::move(items);
            return std::nullopt;
          },
          [field](const Config& c) {
            std::string out;
            for (const auto& s : c.*field) out += (out.empty() ? "" : ",") + s;
            return out;
          }};
}

std::string toml_to_text(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = node.as_array()) {
    std::string out;
    for (const auto& item : *a) out += (out.empty() ? "" : ",") + toml_to_text(item);
    return out;
  }
  throw std::runtime_error("unsupported value type (use a string, integer, boolean or array)");
}

void apply(Config& config, std::string_view source, std::string_view key, std::string_view text) {
  for (const auto& s : settings()) {
    if (s.key != key) continue;
    if (auto err = s.assign(config, text))
      throw std::runtime_error(std::string(source) + ": " + std::string(key) + ": " + *err);
    return;
  }
  throw std::runtime_error(std::string(source) + ": unknown setting '" + std::string(key) + "'");
}

}  // namespace

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      string_setting("data_dir", "directory of the SQLite store and the signing secret",
                     &Config::data_dir),
      string_setting("http", "HTTP listen address (Connect API, SSE, MQTT over WebSocket)",
                     &Config::http),
      string_setting("mqtt", "MQTT listen address", &Config::mqtt),
      string_setting("store",
                     "sqlite (the file in data_dir) or a PostgreSQL URL "
                     "postgresql://user@host:port/db shared by several nodes",
                     &Config::store),
      string_setting(
          "redis",
          "several nodes: redis://[user:password@]host:port[/db] or "
          "redis+sentinel://[user:password@]host:port[,host:port]/master[/db], the backplane "
          "carrying triggers to every node's subscribers (empty: this node alone)",
          &Config::redis),
      size_setting("threads", "event loops; 0 = one per CPU core", &Config::threads),
      string_setting("log_level", "debug, info, warn, error or off", &Config::log_level),
      bool_setting("access_log", "log one line per request", &Config::access_log),
      size_setting("max_connections", "open HTTP connections before new ones are refused",
                   &Config::max_connections),
      size_setting("max_header_bytes", "request line and headers (431 beyond)",
                   &Config::max_header_bytes),
      size_setting("max_body_bytes", "request body (413 beyond)", &Config::max_body_bytes),
      size_setting("max_fields", "fields in one trigger (413 beyond)", &Config::max_fields),
      size_setting("max_depth", "JSON nesting depth of a trigger body (400 beyond)",
                   &Config::max_depth),
      size_setting("max_value_bytes", "bytes in one field value (413 beyond)",
                   &Config::max_value_bytes),
      duration_setting("read_timeout", "time to receive a whole request once it starts",
                       &Config::read_timeout),
      duration_setting("idle_timeout", "keep-alive connection idle time before it is closed",
                       &Config::idle_timeout),
      duration_setting("shutdown_timeout", "time to finish in-flight work after SIGTERM",
                       &Config::shutdown_timeout),
      duration_setting("sse_heartbeat", "interval of the SSE heartbeat comment",
                       &Config::sse_heartbeat),
      size_setting("sse_queue_limit",
                   "messages waiting for one SSE stream; beyond, the slow stream is closed",
                   &Config::sse_queue_limit),
      size_setting("sse_max_unsent_bytes",
                   "bytes waiting to be written to one SSE stream; beyond, it is closed",
                   &Config::sse_max_unsent_bytes),
      size_setting("sse_max_streams_per_token",
                   "open SSE streams per client token (429 beyond); 0 = unlimited",
                   &Config::sse_max_streams_per_token),
      size_setting("sse_max_streams_per_customer",
                   "open SSE streams per customer (429 beyond); 0 = unlimited",
                   &Config::sse_max_streams_per_customer),
      list_setting("cors_origins", "origins allowed by CORS, comma-separated; * for any",
                   &Config::cors_origins),
      list_setting("agent_connect_src",
                   "CSP sources the agent's client may connect to beyond this server "
                   "(its workflows' http steps), comma-separated",
                   &Config::agent_connect_src),
      list_setting(
          "agent_frame_ancestors",
          "CSP sources that may frame the agent's client (a CRM embedding it), comma-separated",
          &Config::agent_frame_ancestors),
      size_setting("token_cache_entries", "verified tokens cached per event loop",
                   &Config::token_cache_entries),
      duration_setting("revocation_poll", "how often the store is checked for revoked keys",
                       &Config::revocation_poll),
      size_setting("key_refresh_rate",
                   "key table refreshes a second, at most, for unknown key ids; 0 = poll only",
                   &Config::key_refresh_rate),
      size_setting("rate_limit", "triggers per second per API key (429 beyond); 0 = unlimited",
                   &Config::rate_limit),
      bool_setting("mqtt_allow_anonymous",
                   "let MQTT clients without a token use topics outside CTI/ and CRM/",
                   &Config::mqtt_allow_anonymous),
      size_setting("mqtt_max_packet_bytes", "largest MQTT packet accepted (announced in 5.0)",
                   &Config::mqtt_max_packet_bytes),
      size_setting("mqtt_max_inflight",
                   "unacknowledged QoS 1/2 messages per MQTT session, each way (Receive Maximum)",
                   &Config::mqtt_max_inflight),
      size_setting("mqtt_max_queued",
                   "messages queued per MQTT session; beyond, new ones are dropped",
                   &Config::mqtt_max_queued),
      size_setting("mqtt_max_unsent_bytes",
                   "bytes waiting to be written to one MQTT connection; beyond, it is closed",
                   &Config::mqtt_max_unsent_bytes),
      size_setting("mqtt_topic_alias_maximum", "topic aliases a 5.0 client may use",
                   &Config::mqtt_topic_alias_maximum),
      size_setting("mqtt_server_topic_aliases",
                   "topic aliases the server assigns to what it sends a 5.0 client; 0 = none",
                   &Config::mqtt_server_topic_aliases),
      size_setting("mqtt_max_keepalive",
                   "longest MQTT keep-alive in seconds (5.0: announced; 3.1.1: refused beyond); "
                   "0 = no maximum",
                   &Config::mqtt_max_keepalive),
      duration_setting("mqtt_max_session_expiry",
                       "longest an MQTT session outlives its connection, 3.1.1 persistent "
                       "sessions too (5.0: announced in CONNACK); 0 = no maximum",
                       &Config::mqtt_max_session_expiry),
      size_setting("mqtt_max_sessions_per_token",
                   "persistent MQTT sessions one client token may hold (CONNACK 0x97 / 3 "
                   "beyond); 0 = unlimited",
                   &Config::mqtt_max_sessions_per_token),
      size_setting("mqtt_max_sessions_per_customer",
                   "persistent MQTT sessions one customer may hold (CONNACK 0x97 / 3 beyond); "
                   "0 = unlimited",
                   &Config::mqtt_max_sessions_per_customer),
      duration_setting("trigger_expiry",
                       "how long a trigger waits in an offline MQTT session before it is dropped",
                       &Config::trigger_expiry),
      string_setting("tls_cert", "PEM certificate chain; with tls_key, serves https and mqtts",
                     &Config::tls_cert),
      string_setting("tls_key", "PEM private key of tls_cert", &Config::tls_key),
      string_setting("https", "HTTPS listen address (with TLS configured)", &Config::https),
      string_setting("mqtts", "MQTT over TLS listen address (with TLS configured)", &Config::mqtts),
      duration_setting("idempotency_window",
                       "how long a trigger's Idempotency-Key (or messageId) is remembered",
                       &Config::idempotency_window),
      size_setting("idempotency_max_entries", "idempotency keys remembered; the oldest go first",
                   &Config::idempotency_max_entries),
      duration_setting("overload_lag",
                       "event-loop lag beyond which new triggers get 503 (0 = never)",
                       &Config::overload_lag),
      size_setting("rate_burst", "triggers one API key may send at once above its rate",
                   &Config::rate_burst),
      bool_setting("durability",
                   "keep persistent MQTT sessions, their queued QoS 1/2 messages and retained "
                   "messages in the store, so they survive a restart; a trigger is answered "
                   "once it is written",
                   &Config::durability),
      bool_setting("durability_fsync",
                   "sync the store's log to disk at every group commit (survives a power cut, "
                   "not only a crash)",
                   &Config::durability_fsync),
      size_setting("durability_max_backlog",
                   "journal entries waiting to be written before new triggers get 503",
                   &Config::durability_max_backlog),
      size_setting("workflow_max_bytes", "largest workflow definition accepted, in bytes",
                   &Config::workflow_max_bytes),
      size_setting("workflow_max_steps", "most steps in one workflow definition",
                   &Config::workflow_max_steps),
      size_setting("workflow_max_depth",
                   "most steps on one path of a workflow definition, from its start",
                   &Config::workflow_max_depth),
      duration_setting("console_session_idle",
                       "a console sign-in ends after this long without a request",
                       &Config::console_session_idle),
      duration_setting("console_session_lifetime",
                       "a console sign-in ends this long after it began, in use or not",
                       &Config::console_session_lifetime),
      duration_setting("trigger_history",
                       "how long each trigger's timeline (deliveries, runs) is kept",
                       &Config::trigger_history),
      size_setting("trigger_history_max", "most trigger timelines kept; the oldest go first",
                   &Config::trigger_history_max),
      size_setting("trigger_history_max_bytes",
                   "most bytes of trigger messages the timelines keep; the oldest go first",
                   &Config::trigger_history_max_bytes),
      bool_setting("fault_injection",
                   "tests only: /__fault/throw, /__fault/loop and /__fault/die raise inside a "
                   "handler, to show the server survives or fails loudly",
                   &Config::fault_injection),
  };
  return table;
}

std::string env_name(std::string_view key) {
  std::string out = "POPFLOW_";
  for (char c : key) out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string flag_name(std::string_view key) {
  std::string out = "--";
  for (char c : key) out += c == '_' ? '-' : c;
  return out;
}

Config load_config(const ConfigSources& sources) {
  Config config;
  if (sources.file) {
    toml::table table;
    try {
      table = toml::parse_file(*sources.file);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error("config " + *sources.file + ": " + std::string(e.description()));
    }
    for (const auto& [key, node] : table) {
      std::string text;
      try {
        text = toml_to_text(node);
      } catch (const std::exception& e) {
        throw std::runtime_error("config " + *sources.file + ": " + std::string(key.str()) + ": " +
                                 e.what());
      }
      apply(config, "config " + *sources.file, key.str(), text);
    }
  }
  if (sources.getenv) {
    for (const auto& s : settings()) {
      const std::string name = env_name(s.key);
      if (const char* value = sources.getenv(name.c_str())) apply(config, name, s.key, value);
    }
  }
  for (const auto& [key, text] : sources.flags) apply(config, flag_name(key), key, text);
  return config;
}

}  // namespace popflow
