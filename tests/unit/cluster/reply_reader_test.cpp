#include "cluster/reply_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace popflow::cluster {
namespace {

TEST(ReplyReader, AssemblesAReplyFedOneByteAtATime) {
  const std::string bytes = "*3\r\n$5\r\nhello\r\n:42\r\n$-1\r\n";
  ReplyReader reader;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    reader.feed(&bytes[i], 1);
    auto next = reader.next();
    ASSERT_TRUE(next);
    ASSERT_FALSE(*next) << "complete after " << i + 1 << " bytes";
  }
  reader.feed(&bytes.back(), 1);
  auto next = reader.next();
  ASSERT_TRUE(next && *next);
  const Reply& reply = **next;
  ASSERT_EQ(reply.type(), ReplyView::Type::array);
  ASSERT_EQ(reply.size(), 3u);
  EXPECT_EQ(reply[0].text(), "hello");
  EXPECT_EQ(reply[1].integer(), 42);
  EXPECT_TRUE(reply[2].is_nil());
}

TEST(ReplyReader, YieldsEveryReplyOfOneReadInOrder) {
  static constexpr char kBytes[] = "+OK\r\n-WRONGTYPE not a list\r\n:7\r\n$3\r\na\0b\r\n";
  const std::string bytes(kBytes, sizeof kBytes - 1);
  ReplyReader reader;
  reader.feed(bytes.data(), bytes.size());
  auto first = reader.next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->type(), ReplyView::Type::status);
  EXPECT_EQ((*first)->text(), "OK");
  auto second = reader.next();
  ASSERT_TRUE(second && *second);
  EXPECT_TRUE((*second)->is_error());
  EXPECT_EQ((*second)->text(), "WRONGTYPE not a list");
  auto third = reader.next();
  ASSERT_TRUE(third && *third);
  EXPECT_EQ((*third)->integer(), 7);
  auto fourth = reader.next();
  ASSERT_TRUE(fourth && *fourth);
  EXPECT_EQ((*fourth)->text(), std::string_view("a\0b", 3));  // binary-safe
  auto none = reader.next();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST(ReplyReader, ReportsBytesThatAreNotResp) {
  const std::string bytes = "?what\r\n";
  ReplyReader reader;
  reader.feed(bytes.data(), bytes.size());
  auto next = reader.next();
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error(), Error::protocol);
}

}  // namespace
}  // namespace popflow::cluster
