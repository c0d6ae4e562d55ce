#pragma once
#include <vector>

#include "broker/session.hpp"

namespace popflow::broker {

// Records what the session asked of its connection.
struct FakeLink : SessionLink {
  int wakes = 0;
  std::vector<std::uint8_t> kicks;
  void wake() override { ++wakes; }
  void kick(std::uint8_t reason) override { kicks.push_back(reason); }
};

inline Identity customer_identity(std::string customer) {
  auto claims = std::make_shared<auth::Claims>();
  claims->key_id = "k_" + customer;
  claims->customer = std::move(customer);
  return Identity{std::move(claims)};
}

// A client token of `customer`, limited to `agent` when given.
inline Identity token_identity(std::string customer, std::optional<std::string> agent,
                               std::string key_id) {
  auto claims = std::make_shared<auth::Claims>();
  claims->key_id = std::move(key_id);
  claims->customer = std::move(customer);
  claims->kind = auth::TokenKind::client_token;
  claims->agent = std::move(agent);
  return Identity{std::move(claims)};
}

inline SubscriptionOptions qos_options(std::uint8_t qos, std::uint32_t identifier = 0) {
  SubscriptionOptions options;
  options.qos = qos;
  options.identifier = identifier;
  return options;
}

inline MessagePtr make_message(std::string topic, std::uint8_t qos = 1, bool retain = false,
                               std::string payload = "p") {
  auto m = std::make_shared<Message>();
  m->topic = std::move(topic);
  m->payload = std::move(payload);
  m->qos = qos;
  m->retain = retain;
  return m;
}

}  // namespace popflow::broker
