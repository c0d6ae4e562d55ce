#pragma once
// What the journal writes (one entry per change to a persistent session or the retained
// store) and what it reads back at start-up. Sessions are named by their numeric id, which
// is unique across restarts, so an entry never has to copy the session's key.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker/delivery.hpp"
#include "broker/identity.hpp"
#include "topics/subscriber.hpp"

namespace popflow::broker {

struct SubscriptionRecord {
  std::string group;   // $share group, empty when not shared
  std::string filter;  // without the $share/<group>/ prefix
  SubscriptionOptions options;
};

namespace journal {

// Created, resumed, or its expiry changed. `detached_at` is wall-clock milliseconds, absent
// while a connection is attached.
struct SessionSaved {
  std::uint64_t session;
  std::string key;
  Identity identity;
  std::optional<std::chrono::seconds> expiry;
  std::optional<std::int64_t> detached_at;
};
struct SessionDetached {
  std::uint64_t session;
  std::int64_t at;  // wall-clock milliseconds
};
struct SessionDropped {  // with its subscriptions and messages
  std::uint64_t session;
};
struct SubscriptionSaved {
  std::uint64_t session;
  std::string full_filter;
  SubscriptionRecord record;
};
struct SubscriptionDropped {
  std::uint64_t session;
  std::string full_filter;
};
struct MessageSaved {  // a QoS 1/2 delivery queued for the session
  std::uint64_t session;
  Delivery delivery;  // holds the shared message: no copy of the payload until written
};
struct MessageSent {  // went in flight with this packet id; `released` after PUBREC
  std::uint64_t session;
  std::uint64_t seq;
  std::uint16_t packet_id;
  bool released;
};
struct MessageDropped {  // acknowledged, expired, or refused by the client
  std::uint64_t session;
  std::uint64_t seq;
};
struct RetainedSaved {  // an empty payload deletes the topic's retained message
  MessagePtr message;
};

}  // namespace journal

using JournalEntry =
    std::variant<journal::SessionSaved, journal::SessionDetached, journal::SessionDropped,
                 journal::SubscriptionSaved, journal::SubscriptionDropped, journal::MessageSaved,
                 journal::MessageSent, journal::MessageDropped, journal::RetainedSaved>;

// A persistent session as the store holds it.
struct StoredSession {
  std::uint64_t id = 0;
  std::string key;
  Identity identity;
  std::optional<std::chrono::seconds> expiry;
  std::optional<std::int64_t> detached_at;
  std::map<std::string, SubscriptionRecord> subscriptions;  // by full filter
  struct Message {
    Delivery delivery;      // packet_id != 0: it was in flight
    bool released = false;  // QoS 2: PUBREC received, PUBREL due
  };
  std::vector<Message> messages;  // in queue order
};

struct StoredState {
  std::vector<StoredSession> sessions;
  std::vector<MessagePtr> retained;
};

}  // namespace popflow::broker
