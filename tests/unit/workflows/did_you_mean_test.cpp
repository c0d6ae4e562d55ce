#include "workflows/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace popflow::workflows {
namespace {

const std::vector<std::string> kEvents = {"On Ring", "On Answer", "On Hold", "On End", "Chat Ring"};

TEST(DidYouMean, CaseAndSpacingDifferencesMatch) {
  EXPECT_EQ(did_you_mean("on ring", kEvents), "On Ring");
  EXPECT_EQ(did_you_mean("On  Ring", kEvents), "On Ring");
  EXPECT_EQ(did_you_mean(" on ring ", kEvents), "On Ring");
  EXPECT_EQ(did_you_mean("ON\tRING", kEvents), "On Ring");
}

TEST(DidYouMean, ATypoWithinTheDistanceMatches) {
  EXPECT_EQ(did_you_mean("On Rnig", kEvents), "On Ring");      // a swap
  EXPECT_EQ(did_you_mean("On Answr", kEvents), "On Answer");   // a deletion
  EXPECT_EQ(did_you_mean("OnAnswers", kEvents), "On Answer");  // two edits
}

TEST(DidYouMean, FarNamesDoNotMatch) {
  EXPECT_EQ(did_you_mean("Wrap Up", kEvents), std::nullopt);
  EXPECT_EQ(did_you_mean("On Rxxxx", kEvents), std::nullopt);
  EXPECT_EQ(did_you_mean("", kEvents), std::nullopt);
}

TEST(DidYouMean, ShortNamesAllowOnlyOneEdit) {
  const std::vector<std::string> names = {"json", "lower"};
  EXPECT_EQ(did_you_mean("jsn", names), "json");
  EXPECT_EQ(did_you_mean("jn", names), std::nullopt);  // two edits on a 2-character name
}

TEST(DidYouMean, NeverSuggestsTheSameName) {
  EXPECT_EQ(did_you_mean("On Ring", {"On Ring"}), std::nullopt);
  EXPECT_EQ(did_you_mean("On Ring", {"On Ring", "on ring"}), "on ring");
}

TEST(DidYouMean, NearestWinsAndTiesGoToTheFirstInByteOrder) {
  EXPECT_EQ(did_you_mean("On Hld", kEvents), "On Hold");  // 1 edit beats "On End" at 2
  EXPECT_EQ(did_you_mean("abcd", {"abce", "abcf"}), "abce");
  EXPECT_EQ(did_you_mean("abcd", {"abcf", "abce"}), "abce");
}

TEST(DidYouMean, FoldCollapsesWhitespaceAndCase) {
  EXPECT_EQ(fold_name("  On \t  RING  "), "on ring");
}

}  // namespace
}  // namespace popflow::workflows
