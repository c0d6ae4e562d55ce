// RedisBackplane, receiving: each subscribed channel's sequence followed, gaps and reconnects
// filled from the channel's stream (docs/cluster.md "Receiving"). All on the cluster loop.
//
// A channel's cursor is its last sequence and stream id seen. When Redis confirms a SUBSCRIBE
// the stream is read: the first time, its last entry only (where this node starts: nothing
// older is delivered); after a reconnect, every entry after the cursor. A message whose
// sequence jumps past the cursor + 1 starts the same read. While a read is under way the
// channel's messages are held, then delivered after what the read brought, in order; each id
// once (RecentIds), so the overlap between a read and live messages costs nothing.
// Reads go over the publishing connection (a subscribed one takes no other commands): one
// round trip, TIME and XRANGE pipelined, TIME giving the age of each entry read back.
#include <algorithm>
#include <charconv>
#include <memory>

#include "cluster/publish_function.hpp"
#include "cluster/redis_backplane.hpp"
#include "cluster/stream_entry.hpp"
#include "core/log.hpp"

namespace popflow::cluster {
namespace {

// Entries per read, as many as a stream keeps (MAXLEN ~ 1000): a longer gap takes more reads.
constexpr std::size_t kReadBatch = 1000;
// Messages held per channel while its read waits, at most: beyond, Redis is not answering the
// read, and the channel gives up repairing rather than hold without bound.
constexpr std::size_t kMaxHeld = 1000;

std::int64_t to_int(std::string_view text) {
  std::int64_t out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

}  // namespace

void RedisBackplane::on_confirmed(std::string_view name) {
  std::string channel(name);
  if (subscriber_.wanted(channel)) fetch(channel);
}

void RedisBackplane::fetch(const std::string& channel) {
  auto& cursor = cursors_[channel];
  cursor.fetch = ++fetches_;
  if (!accepting()) return awaiting_publisher_.push_back(channel);  // held until it is up
  const auto id = cursor.fetch;
  const bool baseline = cursor.stream_id.empty();
  auto now_ms = std::make_shared<std::int64_t>(0);
  publisher_.command({"TIME"}, [now_ms](Result<Reply> r) {
    if (r && r->size() == 2)
      *now_ms = to_int((*r)[0].text()) * 1000 + to_int((*r)[1].text()) / 1000;
  });
  auto done = [this, channel, id, baseline, now_ms](Result<Reply> r) {
    on_range(channel, id, baseline, *now_ms, std::move(r));
  };
  const auto key = stream_key(channel);
  if (baseline) return publisher_.command({"XREVRANGE", key, "+", "-", "COUNT", "1"}, done);
  const auto after = "(" + cursor.stream_id;
  publisher_.command({"XRANGE", key, after, "+", "COUNT", std::to_string(kReadBatch)}, done);
}

void RedisBackplane::on_range(const std::string& channel, std::uint64_t fetch_id, bool baseline,
                              std::int64_t now_ms, Result<Reply> reply) {
  auto it = cursors_.find(channel);
  if (it == cursors_.end() || it->second.fetch != fetch_id) return;  // gone, or given up
  auto& cursor = it->second;
  if (!reply) return awaiting_publisher_.push_back(channel);  // read again once it is back
  if (reply->is_error() || reply->type() != ReplyView::Type::array) {
    log::warn("cluster stream read refused", {{"error", std::string(reply->text())}});
    cursor.stream_id.clear();  // start afresh from the next message
    return release(channel);
  }
  if (baseline) {
    cursor.seq = 0;
    cursor.stream_id = "0-0";  // an empty stream: everything it gets from now on is new
    if (reply->size() > 0)
      if (auto last = stream_entry((*reply)[0])) {
        cursor.seq = last->seq;
        cursor.stream_id = last->stream_id;
      }
    return release(channel);
  }
  for (std::size_t i = 0; i < reply->size(); ++i) {
    auto entry = stream_entry((*reply)[i]);
    if (!entry) continue;
    if (cursor.seq != 0 && entry->seq > cursor.seq + 1)
      lost_.fetch_add(entry->seq - cursor.seq - 1, std::memory_order_relaxed);
    cursor.seq = entry->seq;
    cursor.stream_id = entry->stream_id;
    const auto at = parse_stream_id(entry->stream_id);
    const auto age = now_ms > 0 && at
                         ? std::max<std::int64_t>(0, now_ms - static_cast<std::int64_t>(at->ms))
                         : 0;
    if (deliver_envelope(*entry, entry->ttl_ms - age))
      repaired_.fetch_add(1, std::memory_order_relaxed);
  }
  if (reply->size() == kReadBatch) return fetch(channel);  // more after these
  release(channel);
}

void RedisBackplane::release(const std::string& channel) {
  auto it = cursors_.find(channel);
  if (it == cursors_.end()) return;
  it->second.fetch = 0;
  auto held = std::move(it->second.held);
  it->second.held.clear();
  // Each goes through on_message again: one past a gap the read did not close starts another
  // read, and the rest are held behind it.
  for (const auto& payload : held) on_message(channel, payload);
}

void RedisBackplane::on_message(std::string_view channel, std::string_view payload) {
  auto envelope = decode_envelope(payload);
  if (!envelope) {
    log::warn("cluster message dropped: not a popflow envelope", {{"bytes", payload.size()}});
    return;
  }
  if (envelope->seq != 0) {  // popflow1 (an older node's plain PUBLISH) has no sequence
    auto it = cursors_.find(std::string(channel));
    if (it != cursors_.end()) {
      auto& cursor = it->second;
      if (cursor.fetch != 0) {
        cursor.held.emplace_back(payload);
        if (cursor.held.size() <= kMaxHeld) return;
        log::warn("cluster stream read unanswered; delivering without repair",
                  {{"held", cursor.held.size()}});
        cursor.stream_id.clear();
        return release(it->first);
      }
      const bool known = !cursor.stream_id.empty();
      if (known && envelope->seq > cursor.seq + 1) {
        cursor.held.emplace_back(payload);
        return fetch(it->first);
      }
      // Forward only: an older message (live after a read brought it) leaves the cursor; a
      // newer stream id with a lower sequence is a stream that expired or a Redis restarted.
      const auto at = parse_stream_id(envelope->stream_id);
      const auto last = parse_stream_id(cursor.stream_id);
      if (!known || (at && (!last || *at > *last))) {
        cursor.seq = envelope->seq;
        cursor.stream_id = envelope->stream_id;
      }
    }
  }
  deliver_envelope(*envelope, envelope->ttl_ms);
}

}  // namespace popflow::cluster
