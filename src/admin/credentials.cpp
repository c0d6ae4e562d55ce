#include "admin/credentials.hpp"

#include <algorithm>
#include <stdexcept>

#include "auth/jwt.hpp"
#include "auth/key_registry.hpp"
#include "core/time.hpp"
#include "store/customer_store.hpp"
#include "topics/topic.hpp"

namespace popflow::admin {
namespace {

auth::Claims claims_of(const store::KeyRecord& key) {
  auth::Claims claims;
  claims.key_id = key.id;
  claims.customer = key.customer_id;
  claims.kind = auth::token_kind(key.kind);
  for (const auto& s : key.scope)
    claims.scope |= s == "cti" ? auth::kScopeCti : s == "crm" ? auth::kScopeCrm : 0;
  claims.crm_ids = key.crm_ids;
  claims.agent = key.agent_id;
  claims.issued_at = key.created_at;
  claims.expires_at = key.expires_at;
  return claims;
}

void check(const KeyRequest& request) {
  for (const auto& s : request.scope)
    if (s != "cti" && s != "crm")
      throw std::runtime_error("unknown scope '" + s + "': use cti, crm or cti,crm");
  if (request.kind == store::KeyKind::api_key && request.scope.empty())
    throw std::runtime_error("an API key needs a scope: cti, crm or cti,crm");
  for (const auto& id : request.crm_ids)
    if (auto problem = topic_segment_problem(id))
      throw std::runtime_error("CRM ID '" + id + "' " + *problem);
  if (request.agent)
    if (auto problem = topic_segment_problem(*request.agent))
      throw std::runtime_error("agent '" + *request.agent + "' " + *problem);
}

}  // namespace

IssuedKey issue_key(store::Database& db, const std::string& secret, const KeyRequest& request) {
  check(request);
  if (!store::CustomerStore(db).exists(request.customer))
    throw std::runtime_error("unknown customer '" + request.customer +
                             "': add it first with 'customer add " + request.customer + "'");
  store::KeyRecord key;
  key.id = store::KeyStore::new_id();
  key.customer_id = request.customer;
  key.kind = request.kind;
  if (request.kind == store::KeyKind::api_key) {
    key.scope = request.scope;
    key.crm_ids = request.crm_ids;
  }
  key.agent_id = request.agent;
  key.label = request.label;
  key.created_at = unix_now();
  if (request.lifetime) key.expires_at = key.created_at + request.lifetime->count();
  store::KeyStore(db).insert(key);
  auto token = auth::sign(claims_of(key), secret);
  return {std::move(key), std::move(token)};
}

std::string issue(store::Database& db, const std::string& secret, const KeyRequest& request) {
  return issue_key(db, secret, request).token;
}

IssuedKey rotate_key(store::Database& db, const std::string& secret, const std::string& key_id,
                     std::chrono::seconds grace) {
  store::KeyStore keys(db);
  const auto old = keys.find(key_id);
  if (!old) throw std::runtime_error("unknown key '" + key_id + "': see 'key list'");
  const auto now = unix_now();
  if (old->revoked_at && *old->revoked_at <= now)
    throw std::runtime_error("key '" + key_id + "' is already revoked");
  KeyRequest request;
  request.customer = old->customer_id;
  request.kind = old->kind;
  request.scope = old->scope;
  request.crm_ids = old->crm_ids;
  request.agent = old->agent_id;
  request.label = old->label;
  if (old->expires_at) request.lifetime = std::chrono::seconds(*old->expires_at - old->created_at);
  auto fresh = issue_key(db, secret, request);
  keys.revoke(key_id, now + grace.count());
  return fresh;
}

std::string rotate(store::Database& db, const std::string& secret, const std::string& key_id,
                   std::chrono::seconds grace) {
  db.begin(store::Transaction::write);
  try {
    auto fresh = rotate_key(db, secret, key_id, grace);
    db.exec("COMMIT");
    return fresh.token;
  } catch (...) {
    store::roll_back(db);
    throw;
  }
}

}  // namespace popflow::admin
