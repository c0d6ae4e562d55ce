// parse_lenient_query(): query strings and form bodies as callers really send them.
// Checks beyond "no crash, no UB, no leak":
//   - the escaped text only holds RFC 3986 query characters, and exactly the input's bytes
//     once decoded (nothing lost, nothing added);
//   - the only way to fail is a broken %-escape already in the input.
#include <boost/url/decode_view.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/query.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Every '%' in the input starts a %XX escape.
bool escapes_are_whole(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string storage;
  auto params = popflow::http::parse_lenient_query(text, storage);
  require(params.has_value() == escapes_are_whole(text));
  if (!params) return 0;

  // Re-joining the decoded keys and values gives back every byte of the input that is not
  // a separator: "a=1&b" -> "a" "1" "b".
  std::size_t decoded_bytes = 0;
  std::size_t separators = 0;
  for (const auto& param : *params) {
    decoded_bytes += param.key.decoded_size();
    if (param.has_value) {
      decoded_bytes += param.value.decoded_size();
      ++separators;  // '='
    }
    (void)param.key.decode();
    (void)param.value.decode();
  }
  if (params->empty()) {
    require(text.empty());
    return 0;
  }
  separators += params->size() - 1;  // '&' between params
  std::size_t escape_bytes = 0;
  for (char c : text) escape_bytes += c == '%' ? 2 : 0;
  require(decoded_bytes + separators + escape_bytes == text.size());
  return 0;
}
