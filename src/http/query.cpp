#include "http/query.hpp"

#include <boost/url/parse_query.hpp>

namespace popflow::http {
namespace {

// RFC 3986 query characters: unreserved, sub-delims, ':', '@', '/', '?', and '%' for escapes.
bool allowed_in_query(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=:@/?%").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

}  // namespace

boost::system::result<boost::urls::params_encoded_view> parse_lenient_query(std::string_view text,
                                                                            std::string& storage) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  storage.clear();
  storage.reserve(text.size());
  for (unsigned char c : text) {
    if (allowed_in_query(c)) {
      storage.push_back(static_cast<char>(c));
    } else {
      storage.push_back('%');
      storage.push_back(kHex[c >> 4]);
      storage.push_back(kHex[c & 15]);
    }
  }
  return boost::urls::parse_query(storage);
}

}  // namespace popflow::http
