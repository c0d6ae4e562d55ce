#include "topics/utf8.hpp"

#include <cstdint>

namespace popflow {

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const std::uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0)
      extra = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      extra = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      extra = 3, cp = c & 0x07;
    else
      return false;
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra]) return false;     // overlong
    if (cp >= 0xd800 && cp <= 0xdfff) return false;  // surrogate
    if (cp > 0x10ffff) return false;
    p += extra + 1;
  }
  return true;
}

}  // namespace popflow
