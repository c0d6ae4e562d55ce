#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <stdexcept>

namespace popflow {
namespace {

TEST(Log, WritesOneJsonObjectPerLine) {
  log::init("debug");
  testing::internal::CaptureStderr();
  log::info("trigger", {{"status", 200}, {"topic", "CTI/acme/1001"}});
  const std::string out = testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  const auto line = boost::json::parse(out).as_object();
  EXPECT_EQ(line.at("level"), "info");
  EXPECT_EQ(line.at("msg"), "trigger");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_EQ(line.at("topic"), "CTI/acme/1001");
  const std::regex ts(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(std::string(line.at("ts").as_string()), ts));
}

TEST(Log, EscapesMessageText) {
  log::init("debug");
  testing::internal::CaptureStderr();
  log::warn("a \"quoted\"\nline");
  const auto line = boost::json::parse(testing::internal::GetCapturedStderr()).as_object();
  EXPECT_EQ(line.at("msg"), "a \"quoted\"\nline");
  EXPECT_EQ(line.at("level"), "warning");
}

TEST(Log, LevelFiltersLowerLevels) {
  log::init("warn");
  EXPECT_FALSE(log::enabled(log::Level::info));
  EXPECT_TRUE(log::enabled(log::Level::error));
  testing::internal::CaptureStderr();
  log::debug("hidden");
  log::info("hidden");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  log::init("off");
  EXPECT_FALSE(log::enabled(log::Level::error));
  log::init("info");
}

TEST(Log, UnknownLevelThrows) {
  EXPECT_THROW(log::init("verbose"), std::invalid_argument);
  EXPECT_THROW(log::init("INFO"), std::invalid_argument);
}

}  // namespace
}  // namespace popflow
