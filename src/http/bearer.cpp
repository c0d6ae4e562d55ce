#include "http/bearer.hpp"

#include <strings.h>

namespace popflow::http {

std::string_view bearer_token(const Request& request) {
  constexpr std::string_view kScheme = "bearer ";
  std::string_view value = request[boost::beast::http::field::authorization];
  if (value.size() <= kScheme.size() ||
      ::strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0)
    return {};
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

}  // namespace popflow::http
