#include "broker/session_store.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "broker/stored_message.hpp"

namespace popflow::broker {
namespace {

std::int64_t id_of(std::uint64_t session) {
  return static_cast<std::int64_t>(session);
}

}  // namespace

SessionStore::SessionStore(const std::string& path, bool fsync)
    : db_(path),
      save_session_(db_.prepare(
          "INSERT OR REPLACE INTO mqtt_sessions (id, key, customer, token_id, agent_id, expiry, "
          "detached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")),
      detach_session_(db_.prepare("UPDATE mqtt_sessions SET detached_at = ?2 WHERE id = ?1")),
      drop_session_(db_.prepare("DELETE FROM mqtt_sessions WHERE id = ?1")),
      drop_session_subscriptions_(
          db_.prepare("DELETE FROM mqtt_subscriptions WHERE session_id = ?1")),
      drop_session_messages_(db_.prepare("DELETE FROM mqtt_queued WHERE session_id = ?1")),
      drop_purge_request_(db_.prepare("DELETE FROM mqtt_session_purges WHERE session_id = ?1")),
      save_subscription_(db_.prepare(
          "INSERT OR REPLACE INTO mqtt_subscriptions (session_id, filter, share_group, "
          "topic_filter, qos, no_local, retain_as_published, retain_handling, identifier) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")),
      drop_subscription_(
          db_.prepare("DELETE FROM mqtt_subscriptions WHERE session_id = ?1 AND filter = ?2")),
      save_message_(db_.prepare(
          std::string("INSERT OR REPLACE INTO mqtt_queued (session_id, seq, qos, retain, "
                      "subscription_ids, origin, message_retain, ") +
          kStoredMessageColumns +
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")),
      message_sent_(db_.prepare("UPDATE mqtt_queued SET packet_id = ?3, released = ?4 "
                                "WHERE session_id = ?1 AND seq = ?2")),
      drop_message_(db_.prepare("DELETE FROM mqtt_queued WHERE session_id = ?1 AND seq = ?2")),
      save_retained_(db_.prepare(std::string("INSERT OR REPLACE INTO mqtt_retained (") +
                                 kStoredMessageColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
      drop_retained_(db_.prepare("DELETE FROM mqtt_retained WHERE topic = ?1")) {
  // WAL with synchronous=NORMAL already survives a crash of the process; FULL also syncs
  // the log at every commit, so a power cut loses nothing that was answered either.
  db_.exec(fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

namespace {

using MessageKey = std::pair<std::uint64_t, std::uint64_t>;  // session, seq

struct MessageKeyHash {
  std::size_t operator()(const MessageKey& k) const {
    return std::hash<std::uint64_t>()(k.first * 0x9E3779B97F4A7C15ull ^ k.second);
  }
};

std::optional<MessageKey> message_key(const JournalEntry& entry) {
  if (const auto* e = std::get_if<journal::MessageSaved>(&entry))
    return MessageKey{e->session, e->delivery.seq};
  if (const auto* e = std::get_if<journal::MessageSent>(&entry))
    return MessageKey{e->session, e->seq};
  if (const auto* e = std::get_if<journal::MessageDropped>(&entry))
    return MessageKey{e->session, e->seq};
  return std::nullopt;
}

// Messages queued and acknowledged within one batch: the usual case for a connected client,
// which acknowledges before the commit comes round. Nothing of them needs to reach the disk.
std::unordered_set<MessageKey, MessageKeyHash> settled_within(std::span<const JournalEntry> batch) {
  std::unordered_set<MessageKey, MessageKeyHash> saved, settled;
  for (const auto& entry : batch) {
    if (const auto* e = std::get_if<journal::MessageSaved>(&entry)) {
      saved.insert({e->session, e->delivery.seq});
    } else if (const auto* e = std::get_if<journal::MessageDropped>(&entry)) {
      if (saved.contains({e->session, e->seq})) settled.insert({e->session, e->seq});
    }
  }
  return settled;
}

}  // namespace

bool SessionStore::write(std::span<const JournalEntry> batch) {
  const auto settled = settled_within(batch);
  const auto skipped = [&](const JournalEntry& entry) {
    const auto key = message_key(entry);
    return key && settled.contains(*key);
  };
  if (std::ranges::all_of(batch, skipped)) return false;
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const auto& entry : batch) {
      if (skipped(entry)) continue;
      std::visit([this](const auto& e) { apply(e); }, entry);
    }
    db_.exec("COMMIT");
  } catch (...) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // the failed statement may have ended the transaction already
    }
    throw;
  }
  return true;
}

void SessionStore::apply(const journal::SessionSaved& entry) {
  const auto& claims = entry.identity.claims;
  save_session_.bind(1, id_of(entry.session))
      .bind(2, entry.key)
      .bind(3, claims ? std::optional(claims->customer) : std::nullopt)
      .bind(4, claims ? std::optional(claims->key_id) : std::nullopt)
      .bind(5, claims ? claims->agent : std::nullopt)
      .bind(6, entry.expiry ? std::optional<std::int64_t>(entry.expiry->count()) : std::nullopt)
      .bind(7, entry.detached_at)
      .run();
}

void SessionStore::apply(const journal::SessionDetached& entry) {
  detach_session_.bind(1, id_of(entry.session)).bind(2, entry.at).run();
}

void SessionStore::apply(const journal::SessionDropped& entry) {
  for (auto* stmt : {&drop_session_, &drop_session_subscriptions_, &drop_session_messages_,
                     &drop_purge_request_})
    stmt->bind(1, id_of(entry.session)).run();
}

void SessionStore::apply(const journal::SubscriptionSaved& entry) {
  const auto& options = entry.record.options;
  save_subscription_.bind(1, id_of(entry.session))
      .bind(2, entry.full_filter)
      .bind(3, entry.record.group)
      .bind(4, entry.record.filter)
      .bind(5, std::int64_t{options.qos})
      .bind(6, std::int64_t{options.no_local})
      .bind(7, std::int64_t{options.retain_as_published})
      .bind(8, std::int64_t{options.retain_handling})
      .bind(9, std::int64_t{options.identifier})
      .run();
}

void SessionStore::apply(const journal::SubscriptionDropped& entry) {
  drop_subscription_.bind(1, id_of(entry.session)).bind(2, entry.full_filter).run();
}

void SessionStore::apply(const journal::MessageSaved& entry) {
  const auto& delivery = entry.delivery;
  const auto& message = *delivery.message;
  save_message_.bind(1, id_of(entry.session))
      .bind(2, static_cast<std::int64_t>(delivery.seq))
      .bind(3, std::int64_t{delivery.qos})
      .bind(4, std::int64_t{delivery.retain})
      .bind(5, join_ids(delivery.subscription_ids))
      .bind(6, static_cast<std::int64_t>(message.origin))
      .bind(7, std::int64_t{message.retain});
  bind_message(save_message_, 8, message);
  save_message_.run();
}

void SessionStore::apply(const journal::MessageSent& entry) {
  message_sent_.bind(1, id_of(entry.session))
      .bind(2, static_cast<std::int64_t>(entry.seq))
      .bind(3, std::int64_t{entry.packet_id})
      .bind(4, std::int64_t{entry.released})
      .run();
}

void SessionStore::apply(const journal::MessageDropped& entry) {
  drop_message_.bind(1, id_of(entry.session)).bind(2, static_cast<std::int64_t>(entry.seq)).run();
}

void SessionStore::apply(const journal::RetainedSaved& entry) {
  if (entry.message->payload.empty()) {
    drop_retained_.bind(1, entry.message->topic).run();
    return;
  }
  bind_message(save_retained_, 1, *entry.message);
  save_retained_.run();
}

std::vector<std::uint64_t> SessionStore::purge_requests() {
  const auto version = db_.data_version();
  if (version == data_version_) return {};
  data_version_ = version;
  std::vector<std::uint64_t> ids;
  auto rows = db_.prepare("SELECT session_id FROM mqtt_session_purges ORDER BY session_id");
  while (rows.step()) ids.push_back(static_cast<std::uint64_t>(rows.integer(0)));
  return ids;
}

StoredState SessionStore::load() {
  // Purged while no server ran (the CLI removed the rows already; this covers a purge that
  // raced a server's last writes): none of them comes back. Nothing is in memory yet, so
  // every request is settled here.
  db_.exec(
      "BEGIN IMMEDIATE;"
      "DELETE FROM mqtt_sessions WHERE id IN (SELECT session_id FROM mqtt_session_purges);"
      "DELETE FROM mqtt_session_purges; COMMIT;");
  StoredState state;
  std::unordered_map<std::uint64_t, std::size_t> by_id;
  std::unordered_map<std::string, std::size_t> by_key;
  auto sessions = db_.prepare(
      "SELECT id, key, customer, token_id, agent_id, expiry, detached_at FROM mqtt_sessions "
      "ORDER BY id");
  while (sessions.step()) {
    StoredSession session;
    session.id = static_cast<std::uint64_t>(sessions.integer(0));
    session.key = sessions.text(1);
    if (auto customer = sessions.optional_text(2)) {
      auto claims = std::make_shared<auth::Claims>();
      claims->customer = *customer;
      claims->key_id = sessions.text(3);
      claims->kind = auth::TokenKind::client_token;
      claims->agent = sessions.optional_text(4);
      session.identity.claims = std::move(claims);
    }
    if (auto expiry = sessions.optional_integer(5)) session.expiry = std::chrono::seconds(*expiry);
    session.detached_at = sessions.optional_integer(6);
    // Two sessions under one key: a clean start whose drop of the old one did not commit.
    // The newer (higher id) wins; the older one's rows go below, as orphans.
    if (auto it = by_key.find(session.key); it != by_key.end()) {
      by_id.erase(state.sessions[it->second].id);
      state.sessions[it->second] = std::move(session);
      by_id[state.sessions[it->second].id] = it->second;
      continue;
    }
    by_key[session.key] = state.sessions.size();
    by_id[session.id] = state.sessions.size();
    state.sessions.push_back(std::move(session));
  }

  auto subscriptions = db_.prepare(
      "SELECT session_id, filter, share_group, topic_filter, qos, no_local, "
      "retain_as_published, retain_handling, identifier FROM mqtt_subscriptions");
  while (subscriptions.step()) {
    auto it = by_id.find(static_cast<std::uint64_t>(subscriptions.integer(0)));
    if (it == by_id.end()) continue;
    SubscriptionRecord record{subscriptions.text(2), subscriptions.text(3), {}};
    record.options.qos = static_cast<std::uint8_t>(subscriptions.integer(4));
    record.options.no_local = subscriptions.integer(5) != 0;
    record.options.retain_as_published = subscriptions.integer(6) != 0;
    record.options.retain_handling = static_cast<std::uint8_t>(subscriptions.integer(7));
    record.options.identifier = static_cast<std::uint32_t>(subscriptions.integer(8));
    state.sessions[it->second].subscriptions.emplace(subscriptions.text(1), std::move(record));
  }

  auto queued = db_.prepare(
      std::string("SELECT session_id, seq, qos, retain, subscription_ids, packet_id, released, "
                  "origin, message_retain, ") +
      kStoredMessageColumns + " FROM mqtt_queued ORDER BY session_id, seq");
  while (queued.step()) {
    auto it = by_id.find(static_cast<std::uint64_t>(queued.integer(0)));
    if (it == by_id.end()) continue;
    auto message = read_message(queued, 9);
    message->origin = static_cast<std::uint64_t>(queued.integer(7));
    message->retain = queued.integer(8) != 0;
    StoredSession::Message stored;
    stored.delivery.message = std::move(message);
    stored.delivery.seq = static_cast<std::uint64_t>(queued.integer(1));
    stored.delivery.qos = static_cast<std::uint8_t>(queued.integer(2));
    stored.delivery.retain = queued.integer(3) != 0;
    stored.delivery.subscription_ids = split_ids(queued.text(4));
    stored.delivery.packet_id = static_cast<std::uint16_t>(queued.integer(5));
    stored.released = queued.integer(6) != 0;
    state.sessions[it->second].messages.push_back(std::move(stored));
  }

  const auto now = wall_clock_ms();
  auto retained =
      db_.prepare(std::string("SELECT ") + kStoredMessageColumns + " FROM mqtt_retained");
  while (retained.step()) {
    auto expires = retained.optional_integer(4);
    if (expires && *expires <= now) continue;
    auto message = read_message(retained, 0);
    message->retain = true;
    state.retained.push_back(std::move(message));
  }

  // What a crash left half-done: rows of sessions that are gone, expired retained messages.
  db_.exec(
      "BEGIN IMMEDIATE;"
      "DELETE FROM mqtt_sessions WHERE id NOT IN (SELECT max(id) FROM mqtt_sessions GROUP BY key);"
      "DELETE FROM mqtt_subscriptions WHERE session_id NOT IN (SELECT id FROM mqtt_sessions);"
      "DELETE FROM mqtt_queued WHERE session_id NOT IN (SELECT id FROM mqtt_sessions);"
      "DELETE FROM mqtt_retained WHERE expires_at <= " +
      std::to_string(now) + "; COMMIT;");
  data_version_ = db_.data_version();
  return state;
}

namespace {

constexpr const char* kSessionRows =
    "SELECT s.id, s.key, s.customer, s.agent_id, s.token_id, s.expiry, s.detached_at, "
    "(SELECT count(*) FROM mqtt_queued q WHERE q.session_id = s.id) FROM mqtt_sessions s ";

SessionRow read_row(const store::Statement& rows) {
  SessionRow row;
  row.id = static_cast<std::uint64_t>(rows.integer(0));
  row.client_id = std::string(client_id_of(rows.text(1)));
  row.customer = rows.optional_text(2);
  row.agent = rows.optional_text(3);
  row.token_id = rows.optional_text(4);
  row.expiry = rows.optional_integer(5);
  row.detached_at = rows.optional_integer(6);
  row.queued = rows.integer(7);
  return row;
}

bool matches(const SessionRow& row, const SessionFilter& filter) {
  return (!filter.customer || row.customer == filter.customer) &&
         (!filter.agent || row.agent == filter.agent) &&
         (!filter.client_id || row.client_id == filter.client_id) &&
         (!filter.token_id || row.token_id == filter.token_id);
}

}  // namespace

std::vector<SessionRow> list_sessions(store::Database& db) {
  std::vector<SessionRow> out;
  // Two rows under one key: the older is a clean start's leftover the next load removes.
  auto rows = db.prepare(std::string(kSessionRows) +
                         "WHERE s.id IN (SELECT max(id) FROM mqtt_sessions GROUP BY key) "
                         "ORDER BY s.customer, s.agent_id, s.key");
  while (rows.step()) out.push_back(read_row(rows));
  return out;
}

std::vector<SessionRow> purge_sessions(store::Database& db, const SessionFilter& filter) {
  std::vector<SessionRow> purged;
  db.exec("BEGIN IMMEDIATE");
  try {
    // Matched here rather than in SQL: the client id is the tail of the key.
    auto rows = db.prepare(std::string(kSessionRows) + "ORDER BY s.id");
    while (rows.step()) {
      auto row = read_row(rows);
      if (matches(row, filter)) purged.push_back(std::move(row));
    }
    auto request = db.prepare(
        "INSERT OR REPLACE INTO mqtt_session_purges (session_id, requested_at) VALUES (?1, ?2)");
    auto drop_session = db.prepare("DELETE FROM mqtt_sessions WHERE id = ?1");
    auto drop_subscriptions = db.prepare("DELETE FROM mqtt_subscriptions WHERE session_id = ?1");
    auto drop_messages = db.prepare("DELETE FROM mqtt_queued WHERE session_id = ?1");
    for (const auto& row : purged) {
      const auto id = static_cast<std::int64_t>(row.id);
      request.bind(1, id).bind(2, wall_clock_ms()).run();
      for (auto* stmt : {&drop_session, &drop_subscriptions, &drop_messages})
        stmt->bind(1, id).run();
    }
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  return purged;
}

}  // namespace popflow::broker
