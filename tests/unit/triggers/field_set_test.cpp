#include "triggers/field_set.hpp"

#include <gtest/gtest.h>

namespace popflow::triggers {
namespace {

const FieldLimits kLimits{};

TEST(FieldSet, TakeRemovesCaseInsensitively) {
  FieldSet fields;
  ASSERT_TRUE(fields.add("JWT", "k", kLimits));
  EXPECT_EQ(fields.take("jwt").as_string(), "k");
  EXPECT_EQ(fields.find("jwt"), nullptr);
  EXPECT_TRUE(fields.take("jwt").is_null());
}

// "agentId" and "AGENTID" are one field: a second one in any case is refused, naming it,
// rather than one silently winning.
TEST(FieldSet, SameNameInAnyCaseIsADuplicate) {
  FieldSet fields;
  ASSERT_TRUE(fields.add("agentId", "1001", kLimits));
  auto twice = fields.add("AGENTID", "2002", kLimits);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().status, 400);
  EXPECT_EQ(twice.error().code, "duplicate_field");
  EXPECT_EQ(twice.error().field, "AGENTID");
  EXPECT_EQ(fields.find("agentid")->value.as_string(), "1001");
}

TEST(FieldSet, BoundsTheFieldCountAndValueSizeButNotTheKey) {
  const FieldLimits limits{.max_fields = 2, .max_depth = 2, .max_value_bytes = 4};
  FieldSet fields;
  auto long_value = fields.add("ani", "12345", limits);
  ASSERT_FALSE(long_value);
  EXPECT_EQ(long_value.error().status, 413);
  EXPECT_EQ(long_value.error().field, "ani");
  EXPECT_TRUE(fields.add("jwt", "longer than four", limits));  // bounded by auth instead
  EXPECT_TRUE(fields.add("a", "1", limits));
  auto third = fields.add("b", "2", limits);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().status, 413);
}

// make_trigger() takes the named fields and hands the rest on in the order sent.
TEST(FieldSet, TakeAllHandsOverEveryFieldInOrderWithTakenOnesMarked) {
  FieldSet fields;
  for (auto name : {"b", "agentId", "a"}) ASSERT_TRUE(fields.add(name, "x", kLimits));
  fields.take("agentId");
  const auto all = fields.take_all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "b");
  EXPECT_TRUE(all[1].taken);
  EXPECT_EQ(all[2].name, "a");
  EXPECT_TRUE(fields.fields().empty());
}

}  // namespace
}  // namespace popflow::triggers
