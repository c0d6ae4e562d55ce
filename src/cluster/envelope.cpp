#include "cluster/envelope.hpp"

#include <charconv>

namespace popflow::cluster {
namespace {

constexpr std::string_view kVersion = "popflow1";

// The next space-separated field of `line`, removed from it; empty when there is none.
std::string_view take_field(std::string_view& line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return {};
  auto field = line.substr(0, space);
  line.remove_prefix(space + 1);
  return field;
}

}  // namespace

std::string encode_envelope(const Envelope& e) {
  std::string out;
  out.reserve(kVersion.size() + e.origin.size() + e.id.size() + e.topic.size() + e.payload.size() +
              32);
  out.append(kVersion).append(" ").append(e.origin).append(" ");
  out.append(std::to_string(e.ttl_ms)).append(" ").append(e.id).append(" ");
  out.append(e.topic).append("\n").append(e.payload);
  return out;
}

std::optional<Envelope> decode_envelope(std::string_view bytes) {
  const auto newline = bytes.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  auto line = bytes.substr(0, newline);
  if (take_field(line) != kVersion) return std::nullopt;
  Envelope e;
  e.origin = take_field(line);
  const auto ttl = take_field(line);
  e.id = take_field(line);
  e.topic = line;
  e.payload = bytes.substr(newline + 1);
  auto [end, ec] = std::from_chars(ttl.data(), ttl.data() + ttl.size(), e.ttl_ms);
  if (ec != std::errc{} || end != ttl.data() + ttl.size() || e.origin.empty() || e.id.empty() ||
      e.topic.empty())
    return std::nullopt;
  return e;
}

}  // namespace popflow::cluster
