#pragma once
// The HTTP port's routes: (method, path pattern) → handler, with options per route.
//
// Patterns are literal segments and {name} parameters: "/api/admin/workflows/{id}/publish".
// A parameter matches one non-empty segment and is %-decoded ("On%20Ring" is "On Ring"); a
// segment whose escape is broken or decodes to '/', NUL or another control character never
// matches, so it is a 404 rather than a name nobody can type. One trailing slash is ignored.
//
// Literal routes are matched first, the whole path in one comparison (a literal beats a
// parameter: /api/admin/workflows/validate is not workflow "validate"), then the routes with
// parameters in the order added. Cost: a trigger route, added first, is one string
// comparison; a parameterised route splits the path once and compares it segment by
// segment, allocating only to decode a parameter.
//
// Threads: filled once before the server starts, then read by every loop without locks.
#include <boost/beast/http/verb.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/outcome.hpp"
#include "http/request_info.hpp"
#include "net/worker.hpp"

namespace popflow::http {

class RouteParams {
 public:
  // The decoded value of {name}; empty when the pattern has no such parameter.
  std::string_view operator[](std::string_view name) const;
  void add(std::string_view name, std::string value) {
    values_.emplace_back(name, std::move(value));
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;  // names view the pattern
};

struct RouteContext {
  const Request& request;
  std::string_view path;   // without the query and a trailing slash
  std::string_view query;  // after '?', still encoded
  RouteParams params;
  net::Worker& worker;
  RequestInfo& info;
};

using Handler = std::function<Outcome(RouteContext& context)>;

struct RouteOptions {
  net::Route metric = net::Route::other;
  bool cors = false;        // answers preflights and sets CORS headers on every answer
  bool head_as_get = true;  // HEAD is the GET handler's answer without its body
  bool any_case = false;    // literal segments match in any case (/api/sendmessage/cti)
};

// The 404 of a path no route matches, with a hint for the API's likely mistakes; sets the
// request's refusal.
Response not_found(const Request& request, std::string_view path, RequestInfo& info);

class RouteTable {
 public:
  // Throws std::logic_error at start-up for a malformed pattern or a (method, pattern) twice.
  void add(boost::beast::http::verb method, std::string_view pattern, Handler handler,
           RouteOptions options = {});
  // A handler for every method (the route decides: /mqtt answers 426 to all of them).
  void add_any(std::string_view pattern, Handler handler, RouteOptions options = {});

  // The pattern `path` matches, with its parameters in `params`; nullopt: no route (404).
  std::optional<std::string_view> match(std::string_view path, RouteParams& params) const;

  // The answer for a request whose path is already split from its query.
  Outcome dispatch(const Request& request, std::string_view path, std::string_view query,
                   net::Worker& worker, RequestInfo& info) const;

 private:
  struct Segment {
    std::string text;
    bool parameter = false;
  };
  struct Entry {
    std::string pattern;
    std::vector<Segment> segments;
    bool literal = false;  // no {parameter}: compared as one string
    RouteOptions options;
    std::vector<std::pair<boost::beast::http::verb, Handler>> handlers;
    Handler any;
  };
  Entry& entry_for(std::string_view pattern, const RouteOptions& options);
  const Entry* find(std::string_view path, RouteParams& params) const;

  std::vector<std::unique_ptr<Entry>> entries_;  // stable: params view their patterns
};

}  // namespace popflow::http
