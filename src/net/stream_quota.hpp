#pragma once
// Open SSE streams per client token and per customer, against
// Config::sse_max_streams_per_token and sse_max_streams_per_customer, so one tenant (or one
// leaked token) cannot hold every connection and every stream's memory.
//
// Threads: any worker admits a stream and its Ticket releases it on whichever worker ends the
// stream; one mutex over two small maps, taken when a stream opens and when it ends, never per
// message. The quota must outlive every Ticket (it lives in ServerState).
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace popflow::net {

class StreamQuota {
 public:
  enum class Limit { per_token, per_customer };

  // One admitted stream; move-only, released when destroyed. Empty when refused.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { release(); }
    explicit operator bool() const { return quota_ != nullptr; }

   private:
    friend class StreamQuota;
    void release();
    StreamQuota* quota_ = nullptr;
    std::string token_;
    std::string customer_;
    std::string agent_key_;  // customer US agent: the console's list of agents online
  };

  // `token` is the client token's key id (never the token itself). A limit of 0 is unlimited.
  // When either count is at its limit, returns an empty ticket and says which in `refused`.
  // `agent`: the client token's agent ("" for a customer-wide one), counted for
  // streams_by_agent() and never limited.
  Ticket admit(std::string_view token, std::string_view customer, std::size_t per_token,
               std::size_t per_customer, Limit& refused, std::string_view agent = {});

  std::size_t streams_of_token(std::string_view token) const;
  std::size_t streams_of_customer(std::string_view customer) const;
  // One customer's open streams per agent ("" for customer-wide tokens), in no order.
  std::vector<std::pair<std::string, std::size_t>> streams_by_agent(
      std::string_view customer) const;

 private:
  using Counts = std::unordered_map<std::string, std::size_t>;
  void release(const Ticket& ticket);
  static std::size_t count(const Counts& counts, std::string_view key);

  mutable std::mutex mutex_;  // guards the maps
  Counts tokens_;
  Counts customers_;
  Counts agents_;
};

std::string_view to_string(StreamQuota::Limit limit);  // "sse_max_streams_per_token", ...

}  // namespace popflow::net
