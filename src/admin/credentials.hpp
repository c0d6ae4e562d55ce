#pragma once
// Issuing API keys and client tokens: a row in the store (so it can be listed and
// revoked) and the signed JWT (handed to the user once; never stored).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/key_store.hpp"

namespace popflow::admin {

struct KeyRequest {
  std::string customer;
  store::KeyKind kind = store::KeyKind::api_key;
  std::vector<std::string> scope{"cti", "crm"};  // API keys
  std::vector<std::string> crm_ids;              // API keys; empty = any
  std::optional<std::string> agent;              // client tokens
  std::optional<std::chrono::seconds> lifetime;  // none = no expiry
  std::string label;
};

struct IssuedKey {
  store::KeyRecord record;
  std::string token;  // the signed JWT: shown once, never stored
};

// Throws std::runtime_error with a one-line reason (unknown customer, bad scope). Runs in
// the caller's transaction, if any.
IssuedKey issue_key(store::Database& db, const std::string& secret, const KeyRequest& request);
std::string issue(store::Database& db, const std::string& secret, const KeyRequest& request);

// A new key like `key_id` (same customer, scope, CRM IDs, label and lifetime); the old
// one is revoked after `grace` (now when zero). Returns the new key.
// rotate_key() in the caller's transaction; rotate() in one of its own.
IssuedKey rotate_key(store::Database& db, const std::string& secret, const std::string& key_id,
                     std::chrono::seconds grace);
std::string rotate(store::Database& db, const std::string& secret, const std::string& key_id,
                   std::chrono::seconds grace);

}  // namespace popflow::admin
