#include "mqtt/suback.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(SubackCodec, ByteExactV311FoldsRefusalsTo0x80) {
  const Suback s{1, {ReasonCode::granted_qos_1, ReasonCode::not_authorized}, {}};
  EXPECT_EQ(test::encoded(ProtocolVersion::v311, s), bytes({0x90, 0x04, 0x00, 0x01, 0x01, 0x80}));
  EXPECT_EQ(test::encoded(ProtocolVersion::v5, s),
            bytes({0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x87}));
}

TEST(SubackCodec, RoundTripBothVersions) {
  const Suback v311{
      3, {ReasonCode::granted_qos_0, ReasonCode::granted_qos_2, ReasonCode::unspecified_error}, {}};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v311, v311), v311);
  const Suback v5{
      3, {ReasonCode::granted_qos_1, ReasonCode::topic_filter_invalid}, test::reason_properties()};
  EXPECT_EQ(test::round_trip(ProtocolVersion::v5, v5), v5);
}

TEST(SubackCodec, UnknownReturnCodeIsMalformed) {
  EXPECT_EQ(test::decode_error(ProtocolVersion::v311, bytes({0x90, 0x03, 0x00, 0x01, 0x87})),
            Error::invalid_reason_code);
  EXPECT_EQ(test::decode_error(ProtocolVersion::v5, bytes({0x90, 0x04, 0x00, 0x01, 0x00, 0x03})),
            Error::invalid_reason_code);
}

}  // namespace
}  // namespace popflow::mqtt
