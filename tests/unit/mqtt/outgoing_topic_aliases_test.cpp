#include "mqtt/outgoing_topic_aliases.hpp"

#include <gtest/gtest.h>

namespace popflow::mqtt {
namespace {

using Choice = OutgoingTopicAliases::Choice;

// What a connection does per PUBLISH: choose, send, commit.
Choice send(OutgoingTopicAliases& aliases, std::string_view topic) {
  const auto choice = aliases.choose(topic);
  aliases.commit(topic, choice);
  return choice;
}

void expect_choice(Choice got, std::uint16_t alias, bool with_topic) {
  EXPECT_EQ(got.alias, alias);
  EXPECT_EQ(got.with_topic, with_topic);
}

TEST(OutgoingTopicAliases, OffByDefaultAndWithCapacityZero) {
  OutgoingTopicAliases aliases;
  expect_choice(send(aliases, "CTI/acme/1001"), 0, true);
  aliases.reset(0);
  expect_choice(send(aliases, "CTI/acme/1001"), 0, true);
  expect_choice(send(aliases, "CTI/acme/1001"), 0, true);
}

TEST(OutgoingTopicAliases, FirstSendCarriesTopicAndAliasThenAliasAlone) {
  OutgoingTopicAliases aliases;
  aliases.reset(10);
  expect_choice(send(aliases, "CTI/acme/1001"), 1, true);
  expect_choice(send(aliases, "CTI/acme/1001"), 1, false);
  expect_choice(send(aliases, "CTI/acme/env-1/1001"), 2, true);
  expect_choice(send(aliases, "CTI/acme/1001"), 1, false);
  expect_choice(send(aliases, "CTI/acme/env-1/1001"), 2, false);
}

TEST(OutgoingTopicAliases, AnAliasNotCommittedIsOfferedAgain) {
  // The PUBLISH was dropped (too large for the client): the client never learnt alias 1.
  OutgoingTopicAliases aliases;
  aliases.reset(4);
  expect_choice(aliases.choose("big/x"), 1, true);
  expect_choice(aliases.choose("big/x"), 1, true);
  expect_choice(send(aliases, "small/y"), 1, true);
  expect_choice(send(aliases, "big/x"), 2, true);
  expect_choice(send(aliases, "big/x"), 2, false);
}

TEST(OutgoingTopicAliases, FullTableHandsTheLeastRecentlySentAliasOn) {
  OutgoingTopicAliases aliases;
  aliases.reset(2);
  expect_choice(send(aliases, "a"), 1, true);
  expect_choice(send(aliases, "b"), 2, true);
  expect_choice(send(aliases, "a"), 1, false);  // b is now the least recently sent
  expect_choice(send(aliases, "c"), 2, true);   // c takes b's alias, sent with its topic
  expect_choice(send(aliases, "c"), 2, false);
  expect_choice(send(aliases, "b"), 1, true);  // a is now the oldest: b takes alias 1
  expect_choice(send(aliases, "a"), 2, true);  // and a takes c's
  expect_choice(send(aliases, "b"), 1, false);
  expect_choice(send(aliases, "a"), 2, false);
}

TEST(OutgoingTopicAliases, CapacityOneKeepsRemappingItsOnlyAlias) {
  OutgoingTopicAliases aliases;
  aliases.reset(1);
  expect_choice(send(aliases, "a"), 1, true);
  expect_choice(send(aliases, "a"), 1, false);
  expect_choice(send(aliases, "b"), 1, true);
  expect_choice(send(aliases, "a"), 1, true);
  expect_choice(send(aliases, "a"), 1, false);
}

TEST(OutgoingTopicAliases, ManyTopicsNeverExceedTheCapacity) {
  OutgoingTopicAliases aliases;
  aliases.reset(3);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      const auto choice = send(aliases, "t/" + std::to_string(i % 7));
      EXPECT_GE(choice.alias, 1);
      EXPECT_LE(choice.alias, 3);
    }
  }
}

TEST(OutgoingTopicAliases, ResetForgetsEveryMapping) {
  // A new network connection: the client's table is empty again.
  OutgoingTopicAliases aliases;
  aliases.reset(5);
  send(aliases, "a");
  send(aliases, "b");
  aliases.reset(5);
  expect_choice(send(aliases, "b"), 1, true);
  expect_choice(send(aliases, "a"), 2, true);
}

}  // namespace
}  // namespace popflow::mqtt
