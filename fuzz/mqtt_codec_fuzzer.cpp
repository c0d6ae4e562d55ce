// The MQTT codec, 3.1.1 and 5.0, as a connection drives it: split_frame() over a byte
// stream, decode() each frame. Every input is read in both versions.
// Checks beyond "no crash, no UB, no leak":
//   - split_frame() never yields a frame from fewer bytes than the frame's size;
//   - whatever decodes re-encodes without error, to one minimal-length packet that decodes
//     back to an equal packet: decode(encode(p)) == p.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mqtt/codec.hpp"

namespace {

using namespace popflow::mqtt;

void require(bool condition) {
  if (!condition) std::abort();
}

void round_trip(ProtocolVersion version, const Packet& packet) {
  std::vector<std::uint8_t> bytes;
  require(encode(version, packet, bytes).has_value());
  // The encoder writes the shortest Remaining Length, which 5.0 requires of both sides.
  const FrameLimits strict{.require_minimal_length = true};
  const auto again = decode_packet(version, bytes, strict);
  require(again.has_value());
  require(*again == packet);
}

void read_stream(ProtocolVersion version, std::span<const std::uint8_t> stream) {
  const FrameLimits limits{.require_minimal_length = version == ProtocolVersion::v5};
  while (!stream.empty()) {
    const auto frame = split_frame(stream, limits);
    if (!frame) {
      (void)reason_code(frame.error());
      return;
    }
    if (!*frame) return;  // a connection would wait for more bytes
    const auto& f = **frame;
    require(f.size <= stream.size() && f.size > f.body.size());
    const auto shorter = split_frame(stream.first(f.size - 1), limits);
    require(!shorter || !*shorter);

    if (f.type() == PacketType::connect) (void)connect_reply_version(f);
    const auto packet = decode(version, f);
    if (packet) {
      require(packet_type(*packet) == f.type());
      round_trip(version, *packet);
    } else {
      (void)reason_code(packet.error());
    }
    stream = stream.subspan(f.size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> stream(data, size);
  read_stream(ProtocolVersion::v311, stream);
  read_stream(ProtocolVersion::v5, stream);
  return 0;
}
