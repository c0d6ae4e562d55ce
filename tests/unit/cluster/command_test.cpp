#include "cluster/command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popflow::cluster {
namespace {

TEST(Command, EncodesAnArrayOfBulkStrings) {
  EXPECT_EQ(encode_command({"SET", "k", "a b"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n");
}

TEST(Command, KeepsAnyBytesOfAnArgument) {
  const std::string value("x\r\n\0y", 5);
  const std::vector<std::string_view> args = {"PUBLISH", "c", value, ""};
  static constexpr char kExpected[] =
      "*4\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$5\r\nx\r\n\0y\r\n$0\r\n\r\n";
  EXPECT_EQ(encode_command(args), std::string(kExpected, sizeof kExpected - 1));
}

}  // namespace
}  // namespace popflow::cluster
