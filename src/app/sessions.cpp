#include "app/sessions.hpp"

#include <fmt/format.h>
#include <ostream>

#include "core/time.hpp"

namespace popflow::app {
namespace {

std::string expiry_text(const std::optional<std::int64_t>& seconds) {
  if (!seconds) return "never";
  return std::to_string(*seconds) + "s";
}

std::string detached_text(const std::optional<std::int64_t>& ms) {
  // No detach time: a connection was attached when the store was last written (or the
  // server stopped with it attached; it then counts as detached from its next start).
  if (!ms) return "connected";
  const auto at = SystemTime(std::chrono::milliseconds(*ms));
  return format_iso8601_ms(at).substr(0, 19) + "Z";
}

}  // namespace

void session_list(DataDir& dir, std::ostream& out) {
  constexpr auto kRow = "{:<32} {:<16} {:<12} {:<24} {:<10} {:<20} {}\n";
  out << fmt::format(kRow, "CLIENT_ID", "CUSTOMER", "AGENT", "TOKEN", "EXPIRY", "DETACHED_SINCE",
                     "QUEUED");
  for (const auto& row : broker::list_sessions(dir.local())) {
    out << fmt::format(kRow, row.client_id, row.customer.value_or("-"), row.agent.value_or("-"),
                       row.token_id.value_or("-"), expiry_text(row.expiry),
                       detached_text(row.detached_at), row.queued);
  }
}

void session_purge(DataDir& dir, const broker::SessionFilter& filter, bool all, std::ostream& out) {
  const bool narrowed = filter.customer || filter.agent || filter.client_id || filter.token_id;
  if (narrowed == all)
    throw std::runtime_error(
        all ? "--all purges every session: give it alone, without --customer, --agent, "
              "--client-id or --token"
            : "say which sessions: --customer, --agent, --client-id or --token (or --all)");
  const auto purged = broker::purge_sessions(dir.local(), filter);
  for (const auto& row : purged)
    out << fmt::format("purged {} (customer {}, agent {}, {} queued)\n", row.client_id,
                       row.customer.value_or("-"), row.agent.value_or("-"), row.queued);
  out << purged.size() << (purged.size() == 1 ? " session" : " sessions") << " purged\n";
}

}  // namespace popflow::app
