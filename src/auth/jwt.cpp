#include "auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "auth/base64url.hpp"

namespace popflow::auth {
namespace json = boost::json;
namespace {

std::string hmac_sha256(std::string_view secret, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

// Parses base64url(JSON object); nullopt when either layer is malformed.
std::optional<json::object> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 4;
  auto value = json::parse(*bytes, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::string> string_member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

std::optional<std::int64_t> int_member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64()) return std::nullopt;
  return it->value().get_int64();
}

bool string_list_member(const json::object& o, std::string_view key,
                        std::vector<std::string>& out) {
  auto it = o.find(key);
  if (it == o.end()) return true;
  if (!it->value().is_array()) return false;
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) return false;
    out.emplace_back(v.get_string());
  }
  return true;
}

}  // namespace

std::string_view to_string(TokenKind kind) {
  switch (kind) {
    case TokenKind::api_key:
      return "api";
    case TokenKind::client_token:
      return "client";
    case TokenKind::admin_token:
      break;
  }
  return "admin";
}

std::string sign(const Claims& c, std::string_view secret) {
  json::object header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", c.key_id}};
  json::object payload{
      {"jti", c.key_id}, {"sub", c.customer}, {"knd", to_string(c.kind)}, {"iat", c.issued_at}};
  if (c.kind == TokenKind::api_key) {
    json::array scope;
    if (c.scope & kScopeCti) scope.emplace_back("cti");
    if (c.scope & kScopeCrm) scope.emplace_back("crm");
    payload["scp"] = std::move(scope);
    if (!c.crm_ids.empty()) payload["crm"] = to_array(c.crm_ids);
  }
  if (c.agent) payload["agt"] = *c.agent;
  if (c.expires_at) payload["exp"] = *c.expires_at;
  if (c.not_before) payload["nbf"] = *c.not_before;
  std::string token =
      base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(payload));
  token += "." + base64url_encode(hmac_sha256(secret, token));
  return token;
}

boost::system::result<Claims, AuthFailure> verify(std::string_view token, std::string_view secret,
                                                  std::int64_t now) {
  if (token.empty()) return AuthFailure::missing;
  if (token.size() > kMaxTokenBytes) return AuthFailure::malformed;
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return AuthFailure::malformed;

  auto header = decode_object(token.substr(0, dot1));
  if (!header) return AuthFailure::malformed;
  // Pinned algorithm: refuse "none" and every other alg before touching the signature.
  if (string_member(*header, "alg") != "HS256") return AuthFailure::bad_signature;
  // RFC 7515 4.1.11: a token whose "crit" lists an extension the recipient does not
  // understand is invalid, and this server understands none (its own tokens never carry
  // "crit"). Present in any form, even empty or not a list, it is refused.
  if (header->contains("crit")) return AuthFailure::malformed;
  auto kid = string_member(*header, "kid");
  if (!kid || kid->empty()) return AuthFailure::malformed;

  auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!signature) return AuthFailure::malformed;
  const std::string expected = hmac_sha256(secret, token.substr(0, dot2));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    return AuthFailure::bad_signature;

  auto payload = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return AuthFailure::malformed;
  Claims c;
  c.key_id = *kid;
  auto customer = string_member(*payload, "sub");
  auto kind = string_member(*payload, "knd");
  auto issued = int_member(*payload, "iat");
  if (!customer || !kind || !issued || string_member(*payload, "jti") != kid)
    return AuthFailure::malformed;
  c.customer = *customer;
  c.issued_at = *issued;
  if (*kind == "api")
    c.kind = TokenKind::api_key;
  else if (*kind == "client")
    c.kind = TokenKind::client_token;
  else if (*kind == "admin")
    c.kind = TokenKind::admin_token;
  else
    return AuthFailure::malformed;

  std::vector<std::string> scope;
  if (!string_list_member(*payload, "scp", scope) ||
      !string_list_member(*payload, "crm", c.crm_ids))
    return AuthFailure::malformed;
  for (const auto& s : scope) {
    if (s == "cti")
      c.scope |= kScopeCti;
    else if (s == "crm")
      c.scope |= kScopeCrm;
  }
  c.agent = string_member(*payload, "agt");
  if (payload->contains("exp") && !(c.expires_at = int_member(*payload, "exp")))
    return AuthFailure::malformed;
  if (payload->contains("nbf") && !(c.not_before = int_member(*payload, "nbf")))
    return AuthFailure::malformed;

  if (c.expires_at && now >= *c.expires_at) return AuthFailure::expired;
  if (c.not_before && now < *c.not_before) return AuthFailure::not_yet_valid;
  return c;
}

}  // namespace popflow::auth
