#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace popflow {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("15m"), milliseconds(15 * 60'000));
  EXPECT_EQ(parse_duration("12h"), milliseconds(12 * 3'600'000));
  EXPECT_EQ(parse_duration("90d"), milliseconds(90LL * 86'400'000));
  EXPECT_EQ(parse_duration("2w"), milliseconds(14LL * 86'400'000));
}

TEST(ParseDuration, BareNumberMeansSeconds) {
  EXPECT_EQ(parse_duration("30"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(ParseDuration, RefusesMalformedText) {
  for (const char* bad : {"", "s", "ms", "-5s", "+5s", "1.5h", "5 s", " 5s", "5s ", "5S", "5sec",
                          "5x", "h5", "5ms5", "abc", "0x10s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(ParseDuration, RefusesAmountsThatWouldOverflow) {
  EXPECT_EQ(parse_duration("99999999999999999999d"), std::nullopt);  // beyond uint64
  EXPECT_EQ(parse_duration("9999999999999999d"), std::nullopt);      // overflows in ms
  EXPECT_TRUE(parse_duration("36500d").has_value());                 // a century is fine
}

}  // namespace
}  // namespace popflow
