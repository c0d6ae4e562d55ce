#include "cluster/stream_entry.hpp"

#include <gtest/gtest.h>

namespace popflow::cluster {
namespace {

TEST(StreamEntry, StreamIdsOrderByTimeThenSequence) {
  EXPECT_LT(*parse_stream_id("1733000000000-9"), *parse_stream_id("1733000000001-0"));
  EXPECT_LT(*parse_stream_id("5-1"), *parse_stream_id("5-2"));
  EXPECT_EQ(*parse_stream_id("0-0"), (StreamId{0, 0}));
  for (auto bad : {"", "5", "-1", "5-", "a-1", "5-1x"}) EXPECT_FALSE(parse_stream_id(bad)) << bad;
}

}  // namespace
}  // namespace popflow::cluster
