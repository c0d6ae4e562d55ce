#pragma once
// DISCONNECT (3.1.1 section 3.14, 5.0 section 3.14). Empty in 3.1.1; in 5.0 either side may
// send it, with a reason code (how the codec's errors reach the peer) and properties.
#include <span>

#include "mqtt/byte_writer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/reason_code.hpp"

namespace popflow::mqtt {

struct Disconnect {
  ReasonCode reason_code = ReasonCode::normal_disconnection;
  Properties properties;
  bool operator==(const Disconnect&) const = default;
};

Result<Disconnect> decode_disconnect(ProtocolVersion version, std::span<const std::uint8_t> body);
void write_packet(ByteWriter& w, ProtocolVersion version, const Disconnect& packet);

}  // namespace popflow::mqtt
