#include "topics/topic.hpp"

#include <gtest/gtest.h>

#include <string>

namespace popflow {
namespace {

using namespace std::string_literals;

// ---- names ----

TEST(TopicName, AcceptsOrdinaryNames) {
  for (const char* name : {"CTI/acme/1001", "CTI/acme/env-1/1001", "a", "/", "/finance", "a//b",
                           "a/", "$SYS/broker", "caf\xc3\xa9/\xe2\x82\xac", " "}) {
    EXPECT_TRUE(is_valid_topic_name(name)) << name;
  }
}

TEST(TopicName, RefusesWildcards) {
  for (const char* name : {"+", "#", "a/+", "a/#", "a/b+c", "a#", "CTI/acme/+/1001"}) {
    EXPECT_FALSE(is_valid_topic_name(name)) << name;
  }
}

TEST(TopicName, RefusesEmptyNulBadUtf8AndOversize) {
  EXPECT_FALSE(is_valid_topic_name(""));
  EXPECT_FALSE(is_valid_topic_name("a\0b"s));
  EXPECT_FALSE(is_valid_topic_name("a/\xc3"));
  EXPECT_FALSE(is_valid_topic_name("a/\xed\xa0\x80"));
  EXPECT_TRUE(is_valid_topic_name(std::string(kMaxTopicBytes, 'a')));
  EXPECT_FALSE(is_valid_topic_name(std::string(kMaxTopicBytes + 1, 'a')));
}

// ---- filters ----

TEST(TopicFilter, AcceptsTheDocumentedValidFilters) {
  for (const char* filter : {"CTI/acme/1001", "CTI/acme/+/1001", "CTI/#", "#", "+", "+/+",
                             "/finance", "+/#", "a//b", "/+", "+/", "$SYS/#", "a/+/+/#"}) {
    EXPECT_TRUE(is_valid_topic_filter(filter)) << filter;
  }
}

TEST(TopicFilter, RefusesWildcardMixedIntoALevel) {
  for (const char* filter : {"CTI/acme/10+1", "a+", "+a", "a/b#", "#a", "a/++", "a/##", "a/+#"}) {
    EXPECT_FALSE(is_valid_topic_filter(filter)) << filter;
  }
}

TEST(TopicFilter, RefusesHashThatIsNotLast) {
  EXPECT_FALSE(is_valid_topic_filter("CTI/#/1001"));
  EXPECT_FALSE(is_valid_topic_filter("#/"));
  EXPECT_FALSE(is_valid_topic_filter("#/a"));
}

TEST(TopicFilter, RefusesEmptyNulBadUtf8AndOversize) {
  EXPECT_FALSE(is_valid_topic_filter(""));
  EXPECT_FALSE(is_valid_topic_filter("CTI/\0/#"s));
  EXPECT_FALSE(is_valid_topic_filter("CTI/\xff/#"));
  EXPECT_FALSE(is_valid_topic_filter("CTI/\xc0\xaf"));  // overlong '/'
  EXPECT_TRUE(is_valid_topic_filter(std::string(kMaxTopicBytes - 2, 'a') + "/#"));
  EXPECT_FALSE(is_valid_topic_filter(std::string(kMaxTopicBytes - 1, 'a') + "/#"));
}

// ---- matching ----

TEST(TopicMatches, ExactFilterMatchesOnlyItself) {
  EXPECT_TRUE(topic_matches("CTI/acme/1001", "CTI/acme/1001"));
  EXPECT_FALSE(topic_matches("CTI/acme/1001", "CTI/acme/1002"));
  EXPECT_FALSE(topic_matches("CTI/acme/1001", "CTI/acme/1001/x"));
  EXPECT_FALSE(topic_matches("CTI/acme/1001", "CTI/acme"));
  EXPECT_FALSE(topic_matches("CTI/acme/1001", "cti/acme/1001"));  // case-sensitive
}

TEST(TopicMatches, PlusMatchesExactlyOneLevel) {
  EXPECT_TRUE(topic_matches("CTI/acme/+", "CTI/acme/1001"));
  EXPECT_FALSE(topic_matches("CTI/acme/+", "CTI/acme/env1/1001"));
  EXPECT_FALSE(topic_matches("CTI/acme/+", "CTI/acme"));
  EXPECT_TRUE(topic_matches("CTI/acme/+/1001", "CTI/acme/env-1/1001"));
  EXPECT_FALSE(topic_matches("CTI/acme/+/1001", "CTI/acme/1001"));
  EXPECT_TRUE(topic_matches("+/+", "a/b"));
  EXPECT_FALSE(topic_matches("+", "a/b"));
}

TEST(TopicMatches, PlusMatchesEmptyLevels) {
  EXPECT_TRUE(topic_matches("+/+", "/finance"));
  EXPECT_TRUE(topic_matches("/+", "/finance"));
  EXPECT_TRUE(topic_matches("a/+", "a/"));
  EXPECT_TRUE(topic_matches("a/+/b", "a//b"));
  EXPECT_FALSE(topic_matches("+", "/finance"));
}

TEST(TopicMatches, EmptyLevelsAreLevels) {
  EXPECT_TRUE(topic_matches("a//b", "a//b"));
  EXPECT_FALSE(topic_matches("a//b", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/b/"));
  EXPECT_TRUE(topic_matches("/finance", "/finance"));
  EXPECT_FALSE(topic_matches("/finance", "finance"));
}

TEST(TopicMatches, HashMatchesAnyDepthIncludingParent) {
  EXPECT_TRUE(topic_matches("#", "a"));
  EXPECT_TRUE(topic_matches("#", "a/b/c"));
  EXPECT_TRUE(topic_matches("#", "/"));
  EXPECT_TRUE(topic_matches("CTI/#", "CTI/acme/env-1/1001"));
  EXPECT_TRUE(topic_matches("a/#", "a"));  // the parent level too (MQTT 4.7.1.2)
  EXPECT_TRUE(topic_matches("a/#", "a/"));
  EXPECT_FALSE(topic_matches("a/#", "ab"));
  EXPECT_FALSE(topic_matches("a/b/#", "a"));
  EXPECT_TRUE(topic_matches("+/#", "a"));
  EXPECT_TRUE(topic_matches("a/+/#", "a/b"));
  EXPECT_FALSE(topic_matches("a/+/#", "a"));
}

TEST(TopicMatches, DollarTopicsNotMatchedByFirstLevelWildcards) {
  EXPECT_FALSE(topic_matches("#", "$SYS/x"));
  EXPECT_FALSE(topic_matches("+/x", "$SYS/x"));
  EXPECT_FALSE(topic_matches("+", "$SYS"));
  EXPECT_FALSE(topic_matches("+/#", "$SYS/x"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/x"));
  EXPECT_TRUE(topic_matches("$SYS/+", "$SYS/x"));
  EXPECT_TRUE(topic_matches("$SYS/x", "$SYS/x"));
  EXPECT_TRUE(topic_matches("+/$x", "a/$x"));  // '$' matters only in the first level
  EXPECT_TRUE(topic_matches("#", "a/$SYS"));
}

// ---- trigger values that become one topic level ----

TEST(TopicSegment, AcceptsOrdinaryValues) {
  for (const char* value :
       {"1001", "acme", "env-1", "a.b_c", "caf\xc3\xa9", "with space", "$dollar", "x"}) {
    EXPECT_EQ(topic_segment_problem(value), std::nullopt) << value;
  }
  EXPECT_EQ(topic_segment_problem(std::string(kMaxTopicSegmentBytes, 'a')), std::nullopt);
}

TEST(TopicSegment, RefusesEverythingThatWouldBreakTheTopic) {
  const std::string refused[] = {
      "",       "a/b",          "/",
      "+",      "a+",           "#",
      "a#b",    "a\0b"s,        "\t",
      "line\n", "\r",           "\x1f",
      "\x7f",   "\x01",         "\xc3",
      "\xff",   "\xed\xa0\x80", std::string(kMaxTopicSegmentBytes + 1, 'a'),
  };
  for (const auto& value : refused) {
    EXPECT_NE(topic_segment_problem(value), std::nullopt) << testing::PrintToString(value);
  }
}

TEST(TopicSegment, ProblemSaysWhatIsWrong) {
  EXPECT_EQ(topic_segment_problem(""), "must not be empty");
  EXPECT_NE(topic_segment_problem("a/b")->find("'/'"), std::string::npos);
  EXPECT_NE(topic_segment_problem("a+b")->find("wildcard"), std::string::npos);
  EXPECT_NE(topic_segment_problem("a\nb")->find("control"), std::string::npos);
  EXPECT_NE(topic_segment_problem("\xc3")->find("UTF-8"), std::string::npos);
  EXPECT_NE(topic_segment_problem(std::string(300, 'a'))->find("256"), std::string::npos);
}

// Multi-byte UTF-8 counts bytes, not characters: 128 × "é" is 256 bytes.
TEST(TopicSegment, LimitCountsBytes) {
  std::string value;
  for (int i = 0; i < 128; ++i) value += "\xc3\xa9";
  EXPECT_EQ(topic_segment_problem(value), std::nullopt);
  value += "a";
  EXPECT_NE(topic_segment_problem(value), std::nullopt);
}

}  // namespace
}  // namespace popflow
