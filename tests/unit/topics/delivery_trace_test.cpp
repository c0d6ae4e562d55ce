#include "topics/delivery_trace.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace popflow {
namespace {

TEST(DeliveryTrace, NoteWithoutAScopeIsDropped) {
  DeliveryTrace trace;
  DeliveryTrace::note("mqtt", "agent-1001", false);  // an MQTT publish or a will: no trace
  EXPECT_TRUE(trace.notes.empty());
  { const DeliveryTrace::Scope tracing(trace); }
  DeliveryTrace::note("mqtt", "agent-1001", false);  // after the scope ended
  EXPECT_TRUE(trace.notes.empty());
}

TEST(DeliveryTrace, ScopeCollectsEachSubscriberWithItsTransportAndState) {
  DeliveryTrace trace;
  {
    const DeliveryTrace::Scope tracing(trace);
    DeliveryTrace::note("mqtt", "agent-1001", false);
    DeliveryTrace::note("mqtt", "agent-1001-desk", true);
    DeliveryTrace::note("sse", "key-7", false);
  }
  ASSERT_EQ(trace.notes.size(), 3u);
  EXPECT_EQ(trace.notes[0].transport, "mqtt");
  EXPECT_EQ(trace.notes[0].subscriber, "agent-1001");
  EXPECT_FALSE(trace.notes[0].queued);
  EXPECT_TRUE(trace.notes[1].queued);
  EXPECT_EQ(trace.notes[2].transport, "sse");
  EXPECT_EQ(trace.notes[2].subscriber, "key-7");
}

// A publish inside a publish (a will fired while a trigger fans out) must not mix its
// subscribers into the trigger's trace, and the outer trace must go on after it.
TEST(DeliveryTrace, NestedScopeRestoresTheOuterTrace) {
  DeliveryTrace outer, inner;
  {
    const DeliveryTrace::Scope outer_scope(outer);
    DeliveryTrace::note("mqtt", "first", false);
    {
      const DeliveryTrace::Scope inner_scope(inner);
      DeliveryTrace::note("mqtt", "nested", false);
    }
    DeliveryTrace::note("sse", "second", false);
  }
  DeliveryTrace::note("mqtt", "after", false);
  ASSERT_EQ(outer.notes.size(), 2u);
  EXPECT_EQ(outer.notes[0].subscriber, "first");
  EXPECT_EQ(outer.notes[1].subscriber, "second");
  ASSERT_EQ(inner.notes.size(), 1u);
  EXPECT_EQ(inner.notes[0].subscriber, "nested");
}

TEST(DeliveryTrace, AnotherThreadsNotesStayOutOfThisThreadsTrace) {
  DeliveryTrace trace;
  const DeliveryTrace::Scope tracing(trace);
  std::thread other([] { DeliveryTrace::note("mqtt", "elsewhere", false); });
  other.join();
  EXPECT_TRUE(trace.notes.empty());
}

}  // namespace
}  // namespace popflow
