#include "broker/retained_store.hpp"

#include <gtest/gtest.h>

#include "fake_link.hpp"

namespace popflow::broker {
namespace {

TEST(RetainedStore, KeepsTheLastPerTopicAndEmptyPayloadDeletes) {
  RetainedStore store;
  store.update(make_message("s/a", 1, true, "one"));
  store.update(make_message("s/a", 1, true, "two"));
  store.update(make_message("s/b", 1, true, "b"));
  auto matched = store.matching("s/+", Clock::now());
  ASSERT_EQ(matched.size(), 2u);
  EXPECT_EQ(matched[0]->payload, "two");
  store.update(make_message("s/a", 1, true, ""));
  EXPECT_EQ(store.matching("s/#", Clock::now()).size(), 1u);
}

TEST(RetainedStore, ExpiredMessagesAreDropped) {
  RetainedStore store;
  auto m = std::make_shared<Message>(*make_message("s/a", 1, true));
  m->expires_at = Clock::now() + std::chrono::seconds(1);
  store.update(m);
  EXPECT_EQ(store.matching("#", Clock::now()).size(), 1u);
  EXPECT_TRUE(store.matching("#", Clock::now() + std::chrono::seconds(2)).empty());
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace popflow::broker
