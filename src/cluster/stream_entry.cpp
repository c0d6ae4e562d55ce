#include "cluster/stream_entry.hpp"

#include <charconv>

namespace popflow::cluster {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::optional<StreamId> parse_stream_id(std::string_view text) {
  const auto dash = text.find('-');
  StreamId id;
  if (dash == std::string_view::npos || !parse_int(text.substr(0, dash), id.ms) ||
      !parse_int(text.substr(dash + 1), id.seq))
    return std::nullopt;
  return id;
}

std::optional<Envelope> stream_entry(ReplyView entry) {
  if (entry.type() != ReplyView::Type::array || entry.size() != 2) return std::nullopt;
  const auto fields = entry[1];
  Envelope e;
  e.stream_id = entry[0].text();
  std::string_view seq, ttl;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const auto name = fields[i].text();
    const auto value = fields[i + 1].text();
    if (name == "seq")
      seq = value;
    else if (name == "origin")
      e.origin = value;
    else if (name == "ttl")
      ttl = value;
    else if (name == "id")
      e.id = value;
    else if (name == "topic")
      e.topic = value;
    else if (name == "payload")
      e.payload = value;
  }
  if (!parse_int(seq, e.seq) || !parse_int(ttl, e.ttl_ms) || !parse_stream_id(e.stream_id) ||
      e.origin.empty() || e.id.empty() || e.topic.empty())
    return std::nullopt;
  return e;
}

}  // namespace popflow::cluster
