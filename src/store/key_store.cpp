#include "store/key_store.hpp"

#include <openssl/rand.h>

namespace popflow::store {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

constexpr const char* kColumns =
    "id, customer_id, kind, scope, crm_ids, agent_id, label, created_at, expires_at, revoked_at";
// What is read back: the inserted columns and when the key was last used.
constexpr const char* kSelect =
    "SELECT id, customer_id, kind, scope, crm_ids, agent_id, label, created_at, expires_at, "
    "revoked_at, last_used_at FROM keys";

KeyRecord read_row(const Statement& s) {
  KeyRecord k;
  k.id = s.text(0);
  k.customer_id = s.text(1);
  const auto kind = s.text(2);
  k.kind = kind == "client_token"  ? KeyKind::client_token
           : kind == "admin_token" ? KeyKind::admin_token
                                   : KeyKind::api_key;
  k.scope = split(s.text(3));
  k.crm_ids = split(s.text(4));
  k.agent_id = s.optional_text(5);
  k.label = s.text(6);
  k.created_at = s.integer(7);
  k.expires_at = s.optional_integer(8);
  k.revoked_at = s.optional_integer(9);
  k.last_used_at = s.optional_integer(10);
  return k;
}

}  // namespace

std::string_view to_string(KeyKind kind) {
  switch (kind) {
    case KeyKind::api_key:
      return "api_key";
    case KeyKind::client_token:
      return "client_token";
    case KeyKind::admin_token:
      break;
  }
  return "admin_token";
}

void KeyStore::insert(const KeyRecord& k) {
  db_.prepare(std::string("INSERT INTO keys (") + kColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, k.id)
      .bind(2, k.customer_id)
      .bind(3, to_string(k.kind))
      .bind(4, join(k.scope))
      .bind(5, join(k.crm_ids))
      .bind(6, k.agent_id)
      .bind(7, k.label)
      .bind(8, k.created_at)
      .bind(9, k.expires_at)
      .bind(10, k.revoked_at)
      .run();
}

std::optional<KeyRecord> KeyStore::find(const std::string& id) {
  auto stmt = db_.prepare(std::string(kSelect) + " WHERE id = ?1");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_row(stmt);
}

std::vector<KeyRecord> KeyStore::list(const std::optional<std::string>& customer_id) {
  std::string sql = kSelect;
  if (customer_id) sql += " WHERE customer_id = ?1";
  sql += " ORDER BY created_at, id";
  auto stmt = db_.prepare(sql);
  if (customer_id) stmt.bind(1, *customer_id);
  std::vector<KeyRecord> out;
  while (stmt.step()) out.push_back(read_row(stmt));
  return out;
}

bool KeyStore::revoke(const std::string& id, std::int64_t at) {
  if (!find(id)) return false;
  db_.prepare(
         "UPDATE keys SET revoked_at = ?2 WHERE id = ?1 AND (revoked_at IS NULL OR revoked_at > "
         "?2)")
      .bind(1, id)
      .bind(2, at)
      .run();
  return true;
}

void KeyStore::note_use(const std::string& id, std::int64_t at) {
  db_.prepare(
         "UPDATE keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR "
         "last_used_at < ?2)")
      .bind(1, id)
      .bind(2, at)
      .run();
}

std::string random_id(std::string_view prefix) {
  unsigned char bytes[10];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw StoreError("no randomness for an id");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

std::string KeyStore::new_id() {
  return random_id("k_");
}

}  // namespace popflow::store
