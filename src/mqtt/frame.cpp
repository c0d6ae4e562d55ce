#include "mqtt/frame.hpp"

#include "mqtt/varint.hpp"

namespace popflow::mqtt {

Result<std::optional<Frame>> split_frame(std::span<const std::uint8_t> buffer,
                                         const FrameLimits& limits) {
  if (buffer.empty()) return std::optional<Frame>{};
  const auto length = parse_varint(buffer.subspan(1), limits.require_minimal_length);
  switch (length.status) {
    case VarintParse::Status::need_more:
      return std::optional<Frame>{};
    case VarintParse::Status::malformed:
      return Error::malformed_remaining_length;
    case VarintParse::Status::ok:
      break;
  }
  const std::size_t header = 1 + length.length;
  const std::size_t total = header + length.value;
  if (total > limits.max_packet_size) return Error::packet_too_large;
  if (buffer.size() < total) return std::optional<Frame>{};
  return std::optional<Frame>{Frame{buffer[0], buffer.subspan(header, length.value), total}};
}

}  // namespace popflow::mqtt
