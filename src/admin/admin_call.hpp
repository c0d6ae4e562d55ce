#pragma once
// One admin request as its handler sees it on the store thread: who calls, for which
// customer, the route's parameters and body, and the store. Handlers return a Reply or
// the Problem to answer; a Problem returned from a write rolls it back.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "admin/admin_service.hpp"
#include "admin/caller.hpp"
#include "core/problem.hpp"
#include "http/route_table.hpp"
#include "store/repositories.hpp"

namespace popflow::admin {

struct Reply {
  unsigned status = 200;
  std::string body;  // JSON
  std::string etag;  // the resource's revision, for If-Match (empty: none)
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by a handler whose answer comes from elsewhere (a test trigger publishes on the
  // request's loop): it gets the request's `respond` instead of this Reply being sent.
  std::function<void(http::Respond respond)> later;
};

Reply json_reply(unsigned status, const boost::json::value& body, std::string etag = {});

struct AdminCall {
  const Caller& caller;
  const std::string& customer;  // the customer acted on
  const http::RouteParams& params;
  const boost::json::object& body;  // empty unless the request had one
  std::string_view query;           // still encoded
  std::string_view if_match;        // the If-Match header, quotes removed
  store::Repositories& repos;
  AdminService& service;
  net::Worker& worker;  // the loop the request came in on: its ServerState, its io
  unsigned http_version = 11;
  std::int64_t now_ms;

  // A query parameter, %-decoded; empty when absent.
  std::string query_value(std::string_view name) const;
  // A whole-number query parameter (paging: "before", "after"), or nullopt when absent;
  // anything else is a 400 naming it.
  Checked<std::optional<std::int64_t>> query_integer(std::string_view name) const;
  // ?limit=: `fallback` when absent, else a whole number from 1 to `max` (400 otherwise).
  Checked<std::size_t> page_limit(std::size_t fallback, std::size_t max) const;
  // The revision an editor read, from If-Match or a "revision" member: a stale one is a 409
  // with the current revision, never a silent overwrite. `what` names it ("this workflow").
  std::optional<Problem> stale(std::int64_t current, std::string_view what = "this") const;
  // Appends to the audit log, in the handler's transaction.
  void audit(std::string action, std::string target, std::string before, std::string after) const;
};

using AdminHandler = std::function<Checked<Reply>(AdminCall& call)>;

}  // namespace popflow::admin
