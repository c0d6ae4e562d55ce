#include "broker/identity.hpp"

namespace popflow::broker {

std::string session_key(const Identity& identity, std::string_view client_id) {
  std::string key;
  if (identity.claims) {
    key = identity.claims->customer;
    if (identity.claims->agent) key.append(1, '\x1e').append(*identity.claims->agent);
  }
  key.append(1, '\x1f').append(client_id);
  return key;
}

std::string_view client_id_of(std::string_view session_key) {
  const auto separator = session_key.find('\x1f');
  return separator == std::string_view::npos ? session_key : session_key.substr(separator + 1);
}

bool is_tenant_topic(std::string_view topic) {
  return topic == "CTI" || topic == "CRM" || topic.starts_with("CTI/") ||
         topic.starts_with("CRM/") || topic.starts_with(kServerTopicPrefix);
}

}  // namespace popflow::broker
