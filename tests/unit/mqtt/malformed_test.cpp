// Malformed and invalid packets, one row each, with the error the codec must report and the
// 5.0 reason code a server sends in DISCONNECT before closing.
#include <gtest/gtest.h>

#include "mqtt/codec.hpp"
#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using namespace std::string_view_literals;
using test::bytes;
using test::wire;

constexpr auto v311 = ProtocolVersion::v311;
constexpr auto v5 = ProtocolVersion::v5;
constexpr FrameLimits kStrict{.max_packet_size = 64, .require_minimal_length = true};

struct Case {
  const char* what;
  ProtocolVersion version;
  test::Bytes wire;
  Error error;
  ReasonCode reason;
};

const Case kCases[] = {
    {"5-byte remaining length", v5, bytes({0x30, 0xff, 0xff, 0xff, 0xff, 0x7f}),
     Error::malformed_remaining_length, ReasonCode::malformed_packet},
    {"non-minimal remaining length in 5.0", v5, bytes({0xc0, 0x80, 0x00}),
     Error::malformed_remaining_length, ReasonCode::malformed_packet},
    {"remaining length past the end", v311, bytes({0x40, 0x02, 0x00}), Error::truncated,
     ReasonCode::malformed_packet},
    {"over the maximum packet size", v5, wire("\x30\x40\x00\x01t"sv), Error::packet_too_large,
     ReasonCode::packet_too_large},
    {"packet type 0", v311, bytes({0x00, 0x00}), Error::unknown_packet_type,
     ReasonCode::malformed_packet},
    {"AUTH in 3.1.1", v311, bytes({0xf0, 0x00}), Error::unknown_packet_type,
     ReasonCode::malformed_packet},
    {"reserved flags on PINGREQ", v311, bytes({0xc2, 0x00}), Error::reserved_flags,
     ReasonCode::malformed_packet},
    {"reserved flags on UNSUBSCRIBE", v5, wire("\xa0\x06\x00\x01\x00\x00\x01t"sv),
     Error::reserved_flags, ReasonCode::malformed_packet},
    {"PUBLISH QoS 3", v5, wire("\x36\x06\x00\x01t\x00\x01\x00"sv), Error::invalid_qos,
     ReasonCode::malformed_packet},
    {"wildcard in PUBLISH topic", v5, wire("\x30\x06\x00\x03\x61/+\x00"sv),
     Error::invalid_topic_name, ReasonCode::malformed_packet},
    {"ill-formed UTF-8 in topic", v311, wire("\x30\x04\x00\x02\xc0\xaf"sv), Error::invalid_utf8,
     ReasonCode::malformed_packet},
    {"surrogate in client id", v311,
     wire("\x10\x0f\x00\x04MQTT\x04\x02\x00\x3c\x00\x03\xed\xbf\xbf"sv), Error::invalid_utf8,
     ReasonCode::malformed_packet},
    {"U+0000 in topic filter", v311, wire("\x82\x07\x00\x01\x00\x02\x61\x00\x00"sv),
     Error::invalid_utf8, ReasonCode::malformed_packet},
    {"duplicate property", v5, wire("\x30\x0b\x00\x01t\x06\x23\x00\x01\x23\x00\x01x"sv),
     Error::duplicate_property, ReasonCode::protocol_error},
    {"property not allowed on PUBLISH", v5, wire("\x30\x09\x00\x01t\x05\x11\x00\x00\x00\x01"sv),
     Error::property_not_allowed, ReasonCode::malformed_packet},
    {"unknown property", v5, wire("\xe0\x03\x00\x01\x7f"sv), Error::unknown_property,
     ReasonCode::malformed_packet},
    {"topic alias 0", v5, wire("\x30\x07\x00\x00\x03\x23\x00\x00x"sv), Error::topic_alias_invalid,
     ReasonCode::topic_alias_invalid},
    {"SUBSCRIBE packet id 0", v311, wire("\x82\x06\x00\x00\x00\x01t\x00"sv),
     Error::invalid_packet_id, ReasonCode::protocol_error},
    {"PUBREC packet id 0", v5, bytes({0x50, 0x02, 0x00, 0x00}), Error::invalid_packet_id,
     ReasonCode::protocol_error},
    {"SUBSCRIBE with no filters", v5, bytes({0x82, 0x03, 0x00, 0x01, 0x00}),
     Error::no_topic_filters, ReasonCode::protocol_error},
    {"truncated topic string", v311, wire("\x30\x05\x00\x0a\x61\x62\x63"sv), Error::truncated,
     ReasonCode::malformed_packet},
    {"truncated property block", v5, wire("\x30\x05\x00\x01t\x09\x23"sv), Error::truncated,
     ReasonCode::malformed_packet},
    {"truncated CONNECT", v5, wire("\x10\x08\x00\x04MQTT\x05\x02"sv), Error::truncated,
     ReasonCode::malformed_packet},
    {"trailing bytes after PUBACK", v5, bytes({0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0xff}),
     Error::trailing_bytes, ReasonCode::malformed_packet},
    {"trailing bytes after the frame", v311, bytes({0xc0, 0x00, 0x00}), Error::trailing_bytes,
     ReasonCode::malformed_packet},
    {"invalid DISCONNECT reason", v5, bytes({0xe0, 0x01, 0x01}), Error::invalid_reason_code,
     ReasonCode::malformed_packet},
    {"CONNECT level 3", v311, wire("\x10\x0e\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x00"sv),
     Error::unsupported_protocol_version, ReasonCode::unsupported_protocol_version},
};

TEST(MalformedPackets, EachReportsItsErrorAndReasonCode) {
  for (const auto& c : kCases) {
    const auto decoded = decode_packet(c.version, c.wire, kStrict);
    ASSERT_FALSE(decoded) << c.what << " decoded";
    EXPECT_EQ(decoded.error(), c.error) << c.what << ": " << decoded.error().message();
    EXPECT_EQ(reason_code(decoded.error()), c.reason) << c.what;
  }
}

}  // namespace
}  // namespace popflow::mqtt
