#pragma once
// Credentials: API keys (for triggers) and client tokens (for subscribers). The JWT
// itself is never stored; only what is needed to list, refuse and revoke it.
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace popflow::store {

enum class KeyKind { api_key, client_token, admin_token };

struct KeyRecord {
  std::string id;
  std::string customer_id;
  KeyKind kind = KeyKind::api_key;
  std::vector<std::string> scope;       // "cti", "crm" (API keys)
  std::vector<std::string> crm_ids;     // empty = any CRM ID
  std::optional<std::string> agent_id;  // client tokens limited to one agent
  std::string label;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> expires_at;  // Unix seconds
  std::optional<std::int64_t> revoked_at;  // Unix seconds; may lie in the future (rotation grace)
  std::optional<std::int64_t> last_used_at{};  // Unix seconds, as last stored (KeyRefresher)
};

std::string_view to_string(KeyKind kind);

// `prefix` and 20 random hex digits: "k_…" for keys, "wf_…" for workflows.
std::string random_id(std::string_view prefix);

class KeyStore {
 public:
  explicit KeyStore(Database& db) : db_(db) {}

  void insert(const KeyRecord& key);
  std::optional<KeyRecord> find(const std::string& id);
  std::vector<KeyRecord> list(const std::optional<std::string>& customer_id = std::nullopt);
  // Sets revoked_at unless the key is already revoked earlier. False if no such key.
  bool revoke(const std::string& id, std::int64_t at);
  // Moves last_used_at forward to `at` (never back: another process may have stored a later use).
  void note_use(const std::string& id, std::int64_t at);

  // A fresh random key id, "k_" followed by 20 hex digits.
  static std::string new_id();

 private:
  Database& db_;
};

}  // namespace popflow::store
