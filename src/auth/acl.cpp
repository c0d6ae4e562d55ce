#include "auth/acl.hpp"

#include "topics/topic.hpp"

namespace popflow::auth {

namespace {

constexpr std::string_view kCatalogPrefix = "$popflow/catalog/";

bool is_catalog_of(const Claims& client, std::string_view topic) {
  return topic.starts_with(kCatalogPrefix) &&
         topic.substr(kCatalogPrefix.size()) == client.customer;
}

}  // namespace

std::string catalog_topic(std::string_view customer) {
  return std::string(kCatalogPrefix) + std::string(customer);
}

std::optional<std::string> subscribe_denial(const Claims& client, std::string_view filter) {
  if (is_catalog_of(client, filter)) return std::nullopt;
  if (!is_valid_topic_filter(filter))
    return "'" + std::string(filter) + "' is not a valid topic filter";
  const auto first_slash = filter.find('/');
  const auto channel = filter.substr(0, first_slash);
  if (first_slash == std::string_view::npos || (channel != "CTI" && channel != "CRM"))
    return "topic filters must start with CTI/" + client.customer + "/ or CRM/" + client.customer +
           "/";
  const auto rest = filter.substr(first_slash + 1);
  const auto second_slash = rest.find('/');
  if (rest.substr(0, second_slash) != client.customer)
    return "this token may only subscribe to customer " + client.customer + "'s topics";
  if (client.agent) {
    const auto last = filter.substr(filter.rfind('/') + 1);
    // A wildcard is never "literally the agent", even if the token's agent id is "+" or "#".
    const bool wildcard = last == "+" || last == "#";
    if (second_slash == std::string_view::npos || last != *client.agent || wildcard)
      return "this token is limited to agent " + *client.agent +
             "; the filter's last level must be exactly that agent";
  }
  return std::nullopt;
}

bool may_read(const Claims& client, std::string_view topic) {
  if (is_catalog_of(client, topic)) return true;
  const auto first_slash = topic.find('/');
  const auto channel = topic.substr(0, first_slash);
  if (first_slash == std::string_view::npos || (channel != "CTI" && channel != "CRM")) return false;
  const auto rest = topic.substr(first_slash + 1);
  const auto second_slash = rest.find('/');
  if (second_slash == std::string_view::npos || rest.substr(0, second_slash) != client.customer)
    return false;
  return !client.agent || topic.substr(topic.rfind('/') + 1) == *client.agent;
}

namespace {

std::string_view first_level(std::string_view text) {
  return text.substr(0, text.find('/'));
}

bool first_level_is_tenant(std::string_view text) {
  const auto first = first_level(text);
  return first == "CTI" || first == "CRM";
}

// broker::kServerTopicPrefix's first level: the server's own messages to its clients, such
// as $popflow/catalog/<customer> that feeds /api/client/workflows/changes.
bool first_level_is_server(std::string_view text) {
  return first_level(text) == "$popflow";
}

}  // namespace

std::optional<std::string> anonymous_subscribe_denial(std::string_view filter) {
  if (first_level_is_tenant(filter))
    return "CTI/ and CRM/ topics need a client token; connect with one as the password";
  if (first_level_is_server(filter)) return "$popflow/ topics are the server's own";
  return std::nullopt;
}

std::optional<std::string> publish_denial(std::string_view topic) {
  if (first_level_is_tenant(topic))
    return "CTI/ and CRM/ topics are published by Connect API triggers only";
  if (first_level_is_server(topic)) return "$popflow/ topics are published by the server only";
  return std::nullopt;
}

}  // namespace popflow::auth
