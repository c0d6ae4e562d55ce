#pragma once
// The MQTT 3.1.1 / 5.0 codec: bytes in, packets out, and back. No I/O and no Asio, so it can
// be unit-tested and fuzzed alone; every function is pure and callable from any thread.
//
// A connection uses it like this:
//   1. split_frame(buffer, limits) until it yields a Frame (or an error: close).
//   2. The first packet must be CONNECT: decode(ProtocolVersion::v311, frame) decodes it in
//      its own version (Connect::version). On unsupported_protocol_* reply with
//      encode(v311, Connack{.reason_code = unsupported_protocol_version}) - 3.1.1 return code
//      0x01, which 3.1 and 3.1.1 clients understand - and close. connect_reply_version()
//      says which CONNACK format fits a CONNECT that failed for another reason.
//   3. decode(version, frame) for the rest; on error, 5.0 sends
//      Disconnect{reason_code(ec)} and closes, 3.1.1 just closes.
// Errors are values (error_code in the mqtt category); nothing here throws on input.
#include <cstdint>
#include <span>
#include <vector>

#include "mqtt/error.hpp"
#include "mqtt/frame.hpp"
#include "mqtt/packet.hpp"

namespace popflow::mqtt {

// Checks the fixed-header flags and decodes the body. CONNECT ignores `version`.
Result<Packet> decode(ProtocolVersion version, const Frame& frame);

// One whole packet, fixed header included, with nothing after it (tests and fuzzers).
Result<Packet> decode_packet(ProtocolVersion version, std::span<const std::uint8_t> bytes,
                             const FrameLimits& limits = {});

// Which CONNACK format to refuse a CONNECT frame in (see connect.hpp).
ProtocolVersion connect_reply_version(const Frame& frame);

// Appends the encoded packet to `out`. On error (a string over 65535 bytes, a property the
// packet may not carry, AUTH on 3.1.1, a packet over 256 MB) `out` is left as it was.
// The caller compares the growth of `out` with the peer's Maximum Packet Size.
Result<void> encode(ProtocolVersion version, const Packet& packet, std::vector<std::uint8_t>& out);

}  // namespace popflow::mqtt
