#include "mqtt/reason_code.hpp"

#include <gtest/gtest.h>

namespace popflow::mqtt {
namespace {

TEST(ReasonCode, EachPacketAcceptsOnlyItsOwnCodes) {
  EXPECT_TRUE(is_valid_reason_code(PacketType::puback, ReasonCode::no_matching_subscribers));
  EXPECT_FALSE(is_valid_reason_code(PacketType::pubrel, ReasonCode::no_matching_subscribers));
  EXPECT_TRUE(is_valid_reason_code(PacketType::pubcomp, ReasonCode::packet_identifier_not_found));
  EXPECT_TRUE(is_valid_reason_code(PacketType::suback, ReasonCode::granted_qos_2));
  EXPECT_FALSE(is_valid_reason_code(PacketType::unsuback, ReasonCode::granted_qos_2));
  EXPECT_TRUE(is_valid_reason_code(PacketType::disconnect, ReasonCode::session_taken_over));
  EXPECT_FALSE(is_valid_reason_code(PacketType::connack, ReasonCode::session_taken_over));
  EXPECT_TRUE(is_valid_reason_code(PacketType::auth, ReasonCode::continue_authentication));
  EXPECT_FALSE(is_valid_reason_code(PacketType::auth, ReasonCode::not_authorized));
  EXPECT_FALSE(is_valid_reason_code(PacketType::publish, ReasonCode::success));
}

TEST(ReasonCode, MapsToV311ConnackReturnCodes) {
  EXPECT_EQ(to_v311_connack(ReasonCode::success), 0x00);
  EXPECT_EQ(to_v311_connack(ReasonCode::unsupported_protocol_version), 0x01);
  EXPECT_EQ(to_v311_connack(ReasonCode::client_identifier_not_valid), 0x02);
  EXPECT_EQ(to_v311_connack(ReasonCode::server_busy), 0x03);
  EXPECT_EQ(to_v311_connack(ReasonCode::bad_user_name_or_password), 0x04);
  EXPECT_EQ(to_v311_connack(ReasonCode::not_authorized), 0x05);
  EXPECT_EQ(to_v311_connack(ReasonCode::bad_authentication_method), 0x05);
  for (std::uint8_t code = 0; code <= 5; ++code)
    EXPECT_EQ(to_v311_connack(*from_v311_connack(code)), code);
  EXPECT_FALSE(from_v311_connack(6));
}

TEST(ReasonCode, AnyV311SubackRefusalIs0x80) {
  EXPECT_EQ(to_v311_suback(ReasonCode::granted_qos_1), 0x01);
  EXPECT_EQ(to_v311_suback(ReasonCode::not_authorized), 0x80);
  EXPECT_EQ(to_v311_suback(ReasonCode::topic_filter_invalid), 0x80);
  EXPECT_EQ(to_v311_suback(ReasonCode::no_subscription_existed), 0x80);
}

}  // namespace
}  // namespace popflow::mqtt
