#pragma once
// A problem an untrusted request caused, as the Connect API reports it to the caller:
// HTTP status, a stable machine-readable code, a message saying how to fix it, and the
// offending field when there is one. Problems are values, never thrown.
#include <boost/system/result.hpp>
#include <string>

namespace popflow {

struct Problem {
  int status = 400;
  std::string code;     // e.g. "missing_field"
  std::string message;  // names the field and says how to fix it
  std::string field;    // empty when no single field is at fault

  std::string to_json() const;  // {"status":"error","code":...,"message":...,"field":...}
};

Problem bad_request(std::string code, std::string message, std::string field = {});
Problem unauthorized(std::string code, std::string message);
Problem forbidden(std::string code, std::string message, std::string field = {});
Problem too_large(std::string message, std::string field = {});

// Used by boost::system::result<T, Problem>::value() when a caller insists on a value.
[[noreturn]] void throw_exception_from_error(const Problem& p, const boost::source_location& loc);

template <class T>
using Checked = boost::system::result<T, Problem>;

}  // namespace popflow
