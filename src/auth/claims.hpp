#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popflow::auth {

// API keys fire triggers, client tokens subscribe, admin tokens call the admin API for
// automation (CONTRACT "Admin API"); each is refused where another belongs.
enum class TokenKind { api_key, client_token, admin_token };

std::string_view to_string(TokenKind kind);  // "api", "client", "admin": the JWT's "knd"

// Bits of an API key's scope: which trigger channels it may fire.
enum ScopeBit : std::uint8_t { kScopeCti = 1, kScopeCrm = 2 };

// What a verified JWT says. For API keys: customer, scope and CRM IDs; for client
// tokens: customer and, optionally, the one agent whose topics it may subscribe to.
struct Claims {
  std::string key_id;  // header "kid" and claim "jti"
  std::string customer;
  TokenKind kind = TokenKind::api_key;
  std::uint8_t scope = 0;
  std::vector<std::string> crm_ids;  // empty = any
  std::optional<std::string> agent;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> expires_at;
  std::optional<std::int64_t> not_before;
};

}  // namespace popflow::auth
