// GET /api/admin/audit?target=&before=&limit=: a customer's changes, newest first, a page
// at a time (`next` is the `before` of the following page).
#include "admin/handlers.hpp"
#include "admin/json_views.hpp"

namespace popflow::admin {

Checked<Reply> list_audit(AdminCall& call) {
  store::AuditQuery query;
  query.customer_id = call.customer;
  if (const auto target = call.query_value("target"); !target.empty()) query.target = target;
  const auto before = call.query_integer("before");
  if (!before) return before.error();
  if (*before) query.before_id = **before;
  const auto limit = call.page_limit(query.limit, 500);
  if (!limit) return limit.error();
  query.limit = *limit;
  const auto entries = call.repos.audit.entries(query);
  boost::json::array list;
  for (const auto& entry : entries) list.push_back(to_json(entry));
  boost::json::value next =
      entries.size() == query.limit ? boost::json::value(entries.back().id) : boost::json::value();
  return json_reply(200, {{"entries", std::move(list)}, {"next", std::move(next)}});
}

}  // namespace popflow::admin
