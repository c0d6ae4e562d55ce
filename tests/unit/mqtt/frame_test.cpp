#include "mqtt/frame.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace popflow::mqtt {
namespace {

using test::bytes;

TEST(FrameSplitter, NeedsMoreUntilThePacketIsComplete) {
  const auto whole = bytes({0x32, 0x03, 0x00, 0x01, 0x00});
  for (std::size_t n = 0; n < whole.size(); ++n) {
    const auto frame = split_frame(std::span(whole).first(n));
    ASSERT_TRUE(frame);
    EXPECT_FALSE(*frame) << "prefix of " << n << " bytes";
  }
  const auto frame = split_frame(whole);
  ASSERT_TRUE(frame && *frame);
  EXPECT_EQ((*frame)->size, whole.size());
  EXPECT_EQ((*frame)->type(), PacketType::publish);
  EXPECT_EQ((*frame)->flags(), 0x02);
  EXPECT_EQ((*frame)->body.size(), 3u);
}

TEST(FrameSplitter, StopsAtThePacketBoundary) {
  const auto two = bytes({0xc0, 0x00, 0xe0, 0x00});
  const auto first = split_frame(two);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->size, 2u);
  const auto second = split_frame(std::span(two).subspan(2));
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->type(), PacketType::disconnect);
}

TEST(FrameSplitter, PartialRemainingLengthNeedsMore) {
  const auto frame = split_frame(bytes({0x30, 0x80, 0x80}));
  ASSERT_TRUE(frame);
  EXPECT_FALSE(*frame);
}

TEST(FrameSplitter, FiveByteRemainingLengthIsMalformed) {
  const auto frame = split_frame(bytes({0x30, 0xff, 0xff, 0xff, 0xff, 0x7f}));
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error(), Error::malformed_remaining_length);
  EXPECT_EQ(reason_code(frame.error()), ReasonCode::malformed_packet);
}

TEST(FrameSplitter, OversizeIsRefusedFromTheHeaderAlone) {
  // 2,097,152 bytes announced, none of them here yet.
  const auto frame = split_frame(bytes({0x30, 0x80, 0x80, 0x80, 0x01}), {.max_packet_size = 1024});
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error(), Error::packet_too_large);
  EXPECT_EQ(reason_code(frame.error()), ReasonCode::packet_too_large);
}

TEST(FrameSplitter, MaximumPacketSizeCountsTheFixedHeader) {
  const auto four = bytes({0x40, 0x02, 0x00, 0x01});
  EXPECT_TRUE(split_frame(four, {.max_packet_size = 4}));
  EXPECT_EQ(split_frame(four, {.max_packet_size = 3}).error(), Error::packet_too_large);
}

TEST(FrameSplitter, NonMinimalLengthOnlyWhenAllowed) {
  const auto padded = bytes({0xc0, 0x80, 0x00});
  const auto lenient = split_frame(padded);
  ASSERT_TRUE(lenient && *lenient);
  EXPECT_EQ((*lenient)->size, 3u);
  EXPECT_EQ(split_frame(padded, {.require_minimal_length = true}).error(),
            Error::malformed_remaining_length);
}

}  // namespace
}  // namespace popflow::mqtt
