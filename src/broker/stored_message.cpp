#include "broker/stored_message.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "auth/base64url.hpp"

namespace popflow::broker {

using namespace std::chrono;

namespace {

// MQTT 5.0 application properties as JSON; correlation data is binary, so base64url.
std::optional<std::string> encode(const std::shared_ptr<const MessageProperties>& properties) {
  if (!properties) return std::nullopt;
  boost::json::object out;
  if (properties->payload_format) out["payload_format"] = *properties->payload_format;
  if (properties->content_type) out["content_type"] = *properties->content_type;
  if (properties->response_topic) out["response_topic"] = *properties->response_topic;
  if (properties->correlation_data)
    out["correlation_data"] = auth::base64url_encode(*properties->correlation_data);
  boost::json::array user;
  for (const auto& [name, value] : properties->user_properties)
    user.push_back(boost::json::array{name, value});
  if (!user.empty()) out["user_properties"] = std::move(user);
  return boost::json::serialize(out);
}

std::shared_ptr<const MessageProperties> decode(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return nullptr;
  const auto& in = value.get_object();
  auto properties = std::make_shared<MessageProperties>();
  if (auto* v = in.if_contains("payload_format"); v && v->is_int64())
    properties->payload_format = static_cast<std::uint8_t>(v->get_int64());
  if (auto* v = in.if_contains("content_type"); v && v->is_string())
    properties->content_type = std::string(v->get_string());
  if (auto* v = in.if_contains("response_topic"); v && v->is_string())
    properties->response_topic = std::string(v->get_string());
  if (auto* v = in.if_contains("correlation_data"); v && v->is_string())
    properties->correlation_data = auth::base64url_decode(v->get_string());
  if (auto* v = in.if_contains("user_properties"); v && v->is_array()) {
    for (const auto& pair : v->get_array()) {
      const auto* p = pair.if_array();
      if (p && p->size() == 2 && (*p)[0].is_string() && (*p)[1].is_string())
        properties->user_properties.emplace_back((*p)[0].get_string(), (*p)[1].get_string());
    }
  }
  return properties;
}

}  // namespace

std::int64_t wall_clock_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t to_wall_clock_ms(steady_clock::time_point point) {
  return wall_clock_ms() + duration_cast<milliseconds>(point - steady_clock::now()).count();
}

steady_clock::time_point from_wall_clock_ms(std::int64_t ms) {
  return steady_clock::now() + milliseconds(ms - wall_clock_ms());
}

void bind_message(store::Statement& stmt, int first, const Message& message) {
  stmt.bind(first, message.topic)
      .bind_blob(first + 1, message.payload)
      .bind(first + 2, message.id)
      .bind(first + 3, std::int64_t{message.qos})
      .bind(first + 4, message.expires_at ? std::optional(to_wall_clock_ms(*message.expires_at))
                                          : std::optional<std::int64_t>())
      .bind(first + 5, encode(message.properties));
}

std::shared_ptr<Message> read_message(const store::Statement& stmt, int first) {
  auto message = std::make_shared<Message>();
  message->topic = stmt.text(first);
  message->payload = stmt.blob(first + 1);
  message->id = stmt.text(first + 2);
  message->qos = static_cast<std::uint8_t>(stmt.integer(first + 3));
  if (auto expires = stmt.optional_integer(first + 4))
    message->expires_at = from_wall_clock_ms(*expires);
  message->properties = decode(stmt.optional_text(first + 5));
  return message;
}

std::string join_ids(const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::vector<std::uint32_t> split_ids(std::string_view text) {
  std::vector<std::uint32_t> ids;
  while (!text.empty()) {
    std::uint32_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc()) ids.push_back(id);
    const auto comma = text.find(',');
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

}  // namespace popflow::broker
