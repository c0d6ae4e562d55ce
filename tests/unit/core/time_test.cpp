#include "core/time.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace popflow {
namespace {

using namespace std::chrono;

TEST(FormatIso8601Ms, Epoch) {
  EXPECT_EQ(format_iso8601_ms(SystemTime{}), "1970-01-01T00:00:00.000Z");
}

TEST(FormatIso8601Ms, KeepsMillisecondsAndUsesUtc) {
  const SystemTime t = sys_days{year{2026} / November / 24} + hours{22} + minutes{50} + seconds{0} +
                       milliseconds{123};
  EXPECT_EQ(format_iso8601_ms(t), "2026-11-24T22:50:00.123Z");
}

TEST(FormatIso8601Ms, PadsEveryField) {
  const SystemTime t =
      sys_days{year{2027} / January / 2} + hours{3} + minutes{4} + seconds{5} + milliseconds{6};
  EXPECT_EQ(format_iso8601_ms(t), "2027-01-02T03:04:05.006Z");
}

TEST(FormatIso8601Ms, TruncatesSubMilliseconds) {
  const SystemTime t = sys_days{year{2026} / March / 1} + milliseconds{999} + microseconds{999};
  EXPECT_EQ(format_iso8601_ms(t), "2026-03-01T00:00:00.999Z");
}

TEST(FormatIso8601Ms, NowHasTheContractShape) {
  const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(format_iso8601_ms(system_clock::now()), shape));
}

TEST(UnixSeconds, CountsWholeSecondsSinceEpoch) {
  EXPECT_EQ(unix_seconds(SystemTime{}), 0);
  EXPECT_EQ(unix_seconds(SystemTime{} + milliseconds{1'700'000'000'999}), 1'700'000'000);
  const auto before = unix_seconds(system_clock::now());
  const auto now = unix_now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, before + 5);
}

}  // namespace
}  // namespace popflow
