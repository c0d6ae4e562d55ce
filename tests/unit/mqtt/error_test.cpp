#include "mqtt/error.hpp"

#include <gtest/gtest.h>

#include <boost/system/errc.hpp>

namespace popflow::mqtt {
namespace {

TEST(MqttError, HasItsOwnCategoryAndMessages) {
  const boost::system::error_code ec = Error::invalid_qos;
  EXPECT_STREQ(ec.category().name(), "mqtt");
  EXPECT_EQ(ec.message(), "QoS 3 is invalid");
  EXPECT_EQ(ec, Error::invalid_qos);
}

TEST(MqttError, MapsToTheV5ReasonCodeSentInDisconnect) {
  EXPECT_EQ(reason_code(Error::truncated), ReasonCode::malformed_packet);
  EXPECT_EQ(reason_code(Error::reserved_flags), ReasonCode::malformed_packet);
  EXPECT_EQ(reason_code(Error::duplicate_property), ReasonCode::protocol_error);
  EXPECT_EQ(reason_code(Error::invalid_packet_id), ReasonCode::protocol_error);
  EXPECT_EQ(reason_code(Error::topic_alias_invalid), ReasonCode::topic_alias_invalid);
  EXPECT_EQ(reason_code(Error::packet_too_large), ReasonCode::packet_too_large);
  EXPECT_EQ(reason_code(Error::unsupported_protocol_version),
            ReasonCode::unsupported_protocol_version);
}

TEST(MqttError, ForeignErrorsAreUnspecified) {
  const auto ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
  EXPECT_EQ(reason_code(ec), ReasonCode::unspecified_error);
  EXPECT_EQ(reason_code(boost::system::error_code(Error::malformed_varint)),
            ReasonCode::malformed_packet);
}

}  // namespace
}  // namespace popflow::mqtt
