#include "auth/key_registry.hpp"

namespace popflow::auth {

void KeyRegistry::replace(const std::vector<store::KeyRecord>& keys) {
  auto table = std::make_shared<Table>();
  table->reserve(keys.size());
  for (const auto& k : keys) {
    table->emplace(k.id, KeyState{k.customer_id,
                                  k.kind == store::KeyKind::api_key ? TokenKind::api_key
                                                                    : TokenKind::client_token,
                                  k.revoked_at});
  }
  std::lock_guard lock(mutex_);
  table_ = std::move(table);
}

std::shared_ptr<const KeyRegistry::Table> KeyRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

std::optional<KeyState> KeyRegistry::find(const std::string& key_id) const {
  const auto table = snapshot();
  auto it = table->find(key_id);
  if (it == table->end()) return std::nullopt;
  return it->second;
}

std::size_t KeyRegistry::size() const {
  return snapshot()->size();
}

}  // namespace popflow::auth
