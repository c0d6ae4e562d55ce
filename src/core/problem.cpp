#include "core/problem.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace popflow {

std::string Problem::to_json() const {
  boost::json::object body{{"status", "error"}, {"code", code}, {"message", message}};
  if (!field.empty()) body["field"] = field;
  return boost::json::serialize(body);
}

Problem bad_request(std::string code, std::string message, std::string field) {
  return Problem{400, std::move(code), std::move(message), std::move(field)};
}

Problem unauthorized(std::string code, std::string message) {
  return Problem{401, std::move(code), std::move(message), {}};
}

Problem forbidden(std::string code, std::string message, std::string field) {
  return Problem{403, std::move(code), std::move(message), std::move(field)};
}

Problem too_large(std::string message, std::string field) {
  return Problem{413, "too_large", std::move(message), std::move(field)};
}

void throw_exception_from_error(const Problem& p, const boost::source_location&) {
  throw std::runtime_error(p.message);
}

}  // namespace popflow
