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
  table_.store(std::move(table));
}

std::optional<KeyState> KeyRegistry::find(const std::string& key_id) const {
  const auto table = table_.load();
  auto it = table->find(key_id);
  if (it == table->end()) return std::nullopt;
  return it->second;
}

std::size_t KeyRegistry::size() const {
  return table_.load()->size();
}

}  // namespace popflow::auth
