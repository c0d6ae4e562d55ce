#include "net/stream_quota.hpp"

namespace popflow::net {

StreamQuota::Ticket::Ticket(Ticket&& other) noexcept
    : quota_(other.quota_),
      token_(std::move(other.token_)),
      customer_(std::move(other.customer_)),
      agent_key_(std::move(other.agent_key_)) {
  other.quota_ = nullptr;
}

StreamQuota::Ticket& StreamQuota::Ticket::operator=(Ticket&& other) noexcept {
  if (this == &other) return *this;
  release();
  quota_ = other.quota_;
  token_ = std::move(other.token_);
  customer_ = std::move(other.customer_);
  agent_key_ = std::move(other.agent_key_);
  other.quota_ = nullptr;
  return *this;
}

void StreamQuota::Ticket::release() {
  if (quota_ == nullptr) return;
  quota_->release(*this);
  quota_ = nullptr;
}

std::size_t StreamQuota::count(const Counts& counts, std::string_view key) {
  const auto it = counts.find(std::string(key));
  return it == counts.end() ? 0 : it->second;
}

StreamQuota::Ticket StreamQuota::admit(std::string_view token, std::string_view customer,
                                       std::size_t per_token, std::size_t per_customer,
                                       Limit& refused, std::string_view agent) {
  Ticket ticket;
  std::lock_guard lock(mutex_);
  if (per_token != 0 && count(tokens_, token) >= per_token) {
    refused = Limit::per_token;
    return ticket;
  }
  if (per_customer != 0 && count(customers_, customer) >= per_customer) {
    refused = Limit::per_customer;
    return ticket;
  }
  ++tokens_[std::string(token)];
  ++customers_[std::string(customer)];
  ticket.agent_key_ = std::string(customer) + '\x1f' + std::string(agent);
  ++agents_[ticket.agent_key_];
  ticket.quota_ = this;
  ticket.token_ = token;
  ticket.customer_ = customer;
  return ticket;
}

void StreamQuota::release(const Ticket& ticket) {
  std::lock_guard lock(mutex_);
  // Entries go when their count reaches 0, so the maps hold only keys with open streams.
  for (auto [counts, key] :
       {std::pair{&tokens_, &ticket.token_}, std::pair{&customers_, &ticket.customer_},
        std::pair{&agents_, &ticket.agent_key_}})
    if (auto it = counts->find(*key); it != counts->end() && --it->second == 0) counts->erase(it);
}

std::size_t StreamQuota::streams_of_token(std::string_view token) const {
  std::lock_guard lock(mutex_);
  return count(tokens_, token);
}

std::size_t StreamQuota::streams_of_customer(std::string_view customer) const {
  std::lock_guard lock(mutex_);
  return count(customers_, customer);
}

std::vector<std::pair<std::string, std::size_t>> StreamQuota::streams_by_agent(
    std::string_view customer) const {
  const auto prefix = std::string(customer) + '\x1f';
  std::vector<std::pair<std::string, std::size_t>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, streams] : agents_)
    if (key.starts_with(prefix)) out.emplace_back(key.substr(prefix.size()), streams);
  return out;
}

std::string_view to_string(StreamQuota::Limit limit) {
  return limit == StreamQuota::Limit::per_token ? "sse_max_streams_per_token"
                                                : "sse_max_streams_per_customer";
}

}  // namespace popflow::net
