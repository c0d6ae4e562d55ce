#pragma once
// Variable Byte Integers (MQTT 5.0 section 1.5.5, 3.1.1 section 2.2.3): 7 bits a byte, low
// bits first, at most 4 bytes. 5.0 requires the shortest encoding [MQTT-1.5.5-1]; 3.1.1 does
// not say so, which is why the frame splitter lets the caller choose.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace popflow::mqtt {

struct VarintParse {
  enum class Status { ok, need_more, malformed };
  Status status = Status::need_more;
  std::uint32_t value = 0;
  std::size_t length = 0;  // bytes consumed when ok
};

VarintParse parse_varint(std::span<const std::uint8_t> bytes, bool require_minimal);
std::size_t varint_size(std::uint32_t value);
// Writes 1..4 bytes to `out` (which must have room for 4); returns how many.
std::size_t encode_varint(std::uint32_t value, std::uint8_t* out);

}  // namespace popflow::mqtt
