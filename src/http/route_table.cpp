#include "http/route_table.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <stdexcept>

#include "http/responses.hpp"

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path segment's value, or false when it is no name a person could have meant.
bool decode_segment(std::string_view segment, std::string& out) {
  out.clear();
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '%') {
      if (i + 2 >= segment.size()) return false;
      const int high = hex_value(segment[i + 1]), low = hex_value(segment[i + 2]);
      if (high < 0 || low < 0) return false;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/') return false;
    out.push_back(c);
  }
  return !out.empty();
}

std::string allowed_methods(const std::vector<std::pair<bhttp::verb, Handler>>& handlers,
                            const RouteOptions& options) {
  std::string allow;
  for (const auto& [method, handler] : handlers) {
    if (!allow.empty()) allow += ", ";
    allow += bhttp::to_string(method);
    if (method == bhttp::verb::get && options.head_as_get) allow += ", HEAD";
  }
  if (options.cors) allow += ", OPTIONS";
  return allow;
}

}  // namespace

Response not_found(const Request& request, std::string_view path, RequestInfo& info) {
  info.refusal = "not_found";
  std::string hint = "see the README for the endpoints";
  if (path.starts_with("/api/sendmessage/"))
    hint = "the channel must be CTI or CRM: /api/sendmessage/CTI or /api/sendmessage/CRM";
  else if (path.starts_with("/api/admin/"))
    hint = "see docs/openapi.yaml for the admin API's resources";
  return make_problem(request, {404, "not_found", "no such endpoint; " + hint, ""});
}

std::string_view RouteParams::operator[](std::string_view name) const {
  for (const auto& [key, value] : values_)
    if (key == name) return value;
  return {};
}

RouteTable::Entry& RouteTable::entry_for(std::string_view pattern, const RouteOptions& options) {
  for (auto& entry : entries_)
    if (entry->pattern == pattern) return *entry;
  if (!pattern.starts_with('/')) throw std::logic_error("route pattern must start with '/'");
  auto entry = std::make_unique<Entry>();
  entry->pattern = pattern;
  entry->options = options;
  for (std::size_t begin = 1; pattern != "/" && begin <= pattern.size();) {
    auto end = pattern.find('/', begin);
    if (end == std::string_view::npos) end = pattern.size();
    const auto text = pattern.substr(begin, end - begin);
    if (text.empty()) throw std::logic_error("empty segment in route " + std::string(pattern));
    const bool parameter = text.front() == '{' && text.back() == '}';
    entry->segments.push_back(
        {std::string(parameter ? text.substr(1, text.size() - 2) : text), parameter});
    begin = end + 1;
  }
  entry->literal = std::ranges::none_of(entry->segments, &Segment::parameter);
  entries_.push_back(std::move(entry));
  return *entries_.back();
}

void RouteTable::add(bhttp::verb method, std::string_view pattern, Handler handler,
                     RouteOptions options) {
  auto& entry = entry_for(pattern, options);
  for (const auto& [existing, ignored] : entry.handlers)
    if (existing == method)
      throw std::logic_error("route added twice: " + std::string(bhttp::to_string(method)) + " " +
                             std::string(pattern));
  entry.handlers.emplace_back(method, std::move(handler));
}

void RouteTable::add_any(std::string_view pattern, Handler handler, RouteOptions options) {
  entry_for(pattern, options).any = std::move(handler);
}

const RouteTable::Entry* RouteTable::find(std::string_view path, RouteParams& params) const {
  // Literal routes first, compared whole: a trigger costs one comparison.
  for (const auto& entry : entries_) {
    if (!entry->literal) continue;
    if (entry->options.any_case ? boost::beast::iequals(path, entry->pattern)
                                : path == entry->pattern)
      return entry.get();
  }
  // The path's segments, split once; no route is deeper than kMaxSegments.
  constexpr std::size_t kMaxSegments = 8;
  std::array<std::string_view, kMaxSegments> parts;
  std::size_t count = 0;
  for (std::size_t begin = 1; path != "/" && begin <= path.size(); ++count) {
    if (count == kMaxSegments) return nullptr;
    auto end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    parts[count] = path.substr(begin, end - begin);
    begin = end + 1;
  }
  std::string decoded;
  for (const auto& entry : entries_) {
    if (entry->literal || entry->segments.size() != count) continue;
    RouteParams found;
    bool matches = true;
    for (std::size_t i = 0; i < count && matches; ++i) {
      const auto& segment = entry->segments[i];
      if (!segment.parameter) {
        matches = entry->options.any_case ? boost::beast::iequals(parts[i], segment.text)
                                          : parts[i] == segment.text;
      } else if ((matches = decode_segment(parts[i], decoded))) {
        found.add(segment.text, decoded);
      }
    }
    if (matches) {
      params = std::move(found);
      return entry.get();
    }
  }
  return nullptr;
}

std::optional<std::string_view> RouteTable::match(std::string_view path,
                                                  RouteParams& params) const {
  const auto* entry = find(path, params);
  if (!entry) return std::nullopt;
  return std::string_view(entry->pattern);
}

Outcome RouteTable::dispatch(const Request& request, std::string_view path, std::string_view query,
                             net::Worker& worker, RequestInfo& info) const {
  RouteContext context{request, path, query, {}, worker, info};
  const auto* entry = find(path, context.params);
  if (!entry) return not_found(request, path, info);
  info.route = entry->options.metric;
  const auto& origins = worker.state().config.cors_origins;
  const auto with_cors = [&](Outcome outcome) {
    if (!entry->options.cors) return outcome;
    if (auto* response = std::get_if<Response>(&outcome)) apply_cors(request, *response, origins);
    if (auto* pending = std::get_if<PendingTrigger>(&outcome))
      apply_cors(request, pending->accepted, origins);
    return outcome;
  };
  if (entry->any) return entry->any(context);
  auto method = request.method();
  if (method == bhttp::verb::options && entry->options.cors)
    return make_preflight(request, origins);
  if (method == bhttp::verb::head && entry->options.head_as_get) method = bhttp::verb::get;
  for (const auto& [allowed, handler] : entry->handlers)
    if (allowed == method) return with_cors(handler(context));

  info.refusal = "method_not_allowed";
  const auto allow = allowed_methods(entry->handlers, entry->options);
  auto response = make_problem(request, {405, "method_not_allowed",
                                         "method " + std::string(request.method_string()) +
                                             " is not allowed here; use " + allow,
                                         ""});
  response.set(bhttp::field::allow, allow);
  return with_cors(std::move(response));
}

}  // namespace popflow::http
