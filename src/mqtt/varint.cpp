#include "mqtt/varint.hpp"

namespace popflow::mqtt {

VarintParse parse_varint(std::span<const std::uint8_t> bytes, bool require_minimal) {
  VarintParse result;
  std::uint32_t multiplier = 1;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= bytes.size()) return result;  // need_more
    const std::uint8_t byte = bytes[i];
    result.value += (byte & 0x7fu) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) == 0) {
      // A trailing 0x00 after a continuation byte adds nothing: a longer-than-needed encoding.
      if (require_minimal && i > 0 && byte == 0) break;
      result.status = VarintParse::Status::ok;
      result.length = i + 1;
      return result;
    }
  }
  result.status = VarintParse::Status::malformed;  // a 5th byte, or non-minimal
  result.value = 0;
  return result;
}

std::size_t varint_size(std::uint32_t value) {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  return 4;
}

std::size_t encode_varint(std::uint32_t value, std::uint8_t* out) {
  std::size_t n = 0;
  do {
    std::uint8_t byte = value % 128;
    value /= 128;
    if (value > 0 && n < 3) byte |= 0x80;
    out[n++] = byte;
  } while (value > 0 && n < 4);
  return n;
}

}  // namespace popflow::mqtt
