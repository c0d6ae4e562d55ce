#include "net/stream_quota.hpp"

namespace popflow::net {

StreamQuota::Ticket::Ticket(Ticket&& other) noexcept
    : quota_(other.quota_), token_(std::move(other.token_)), customer_(std::move(other.customer_)) {
  other.quota_ = nullptr;
}

StreamQuota::Ticket& StreamQuota::Ticket::operator=(Ticket&& other) noexcept {
  if (this == &other) return *this;
  release();
  quota_ = other.quota_;
  token_ = std::move(other.token_);
  customer_ = std::move(other.customer_);
  other.quota_ = nullptr;
  return *this;
}

void StreamQuota::Ticket::release() {
  if (quota_ == nullptr) return;
  quota_->release(token_, customer_);
  quota_ = nullptr;
}

std::size_t StreamQuota::count(const Counts& counts, std::string_view key) {
  const auto it = counts.find(std::string(key));
  return it == counts.end() ? 0 : it->second;
}

StreamQuota::Ticket StreamQuota::admit(std::string_view token, std::string_view customer,
                                       std::size_t per_token, std::size_t per_customer,
                                       Limit& refused) {
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
  ticket.quota_ = this;
  ticket.token_ = token;
  ticket.customer_ = customer;
  return ticket;
}

void StreamQuota::release(const std::string& token, const std::string& customer) {
  std::lock_guard lock(mutex_);
  // Entries go when their count reaches 0, so the maps hold only keys with open streams.
  if (auto it = tokens_.find(token); it != tokens_.end() && --it->second == 0) tokens_.erase(it);
  if (auto it = customers_.find(customer); it != customers_.end() && --it->second == 0)
    customers_.erase(it);
}

std::size_t StreamQuota::streams_of_token(std::string_view token) const {
  std::lock_guard lock(mutex_);
  return count(tokens_, token);
}

std::size_t StreamQuota::streams_of_customer(std::string_view customer) const {
  std::lock_guard lock(mutex_);
  return count(customers_, customer);
}

std::string_view to_string(StreamQuota::Limit limit) {
  return limit == StreamQuota::Limit::per_token ? "sse_max_streams_per_token"
                                                : "sse_max_streams_per_customer";
}

}  // namespace popflow::net
