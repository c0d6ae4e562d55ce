#include "cluster/envelope.hpp"

#include <charconv>

namespace popflow::cluster {
namespace {

constexpr std::string_view kVersion1 = "popflow1";
constexpr std::string_view kVersion2 = "popflow2";

// The next space-separated field of `line`, removed from it; empty when there is none.
std::string_view take_field(std::string_view& line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return {};
  auto field = line.substr(0, space);
  line.remove_prefix(space + 1);
  return field;
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string encode_envelope(const Envelope& e) {
  std::string out;
  out.reserve(kVersion2.size() + e.origin.size() + e.id.size() + e.topic.size() +
              e.stream_id.size() + e.payload.size() + 64);
  out.append(e.seq ? kVersion2 : kVersion1).append(" ").append(e.origin).append(" ");
  out.append(std::to_string(e.ttl_ms)).append(" ");
  if (e.seq) out.append(std::to_string(e.seq)).append(" ").append(e.stream_id).append(" ");
  out.append(e.id).append(" ").append(e.topic).append("\n").append(e.payload);
  return out;
}

std::optional<Envelope> decode_envelope(std::string_view bytes) {
  const auto newline = bytes.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  auto line = bytes.substr(0, newline);
  const auto version = take_field(line);
  if (version != kVersion1 && version != kVersion2) return std::nullopt;
  Envelope e;
  e.origin = take_field(line);
  if (!parse_int(take_field(line), e.ttl_ms)) return std::nullopt;
  if (version == kVersion2) {
    if (!parse_int(take_field(line), e.seq) || e.seq == 0) return std::nullopt;
    e.stream_id = take_field(line);
    if (e.stream_id.empty()) return std::nullopt;
  }
  e.id = take_field(line);
  e.topic = line;
  e.payload = bytes.substr(newline + 1);
  if (e.origin.empty() || e.id.empty() || e.topic.empty()) return std::nullopt;
  return e;
}

}  // namespace popflow::cluster
