#include "store/sql_timelines.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace popflow::store {
namespace {

using namespace store_testing;

using SqlTimelinesTest = StoreTest;

history::TriggerRecord record(std::string id, std::int64_t at_ms, std::string customer = "acme") {
  history::TriggerRecord r;
  r.id = std::move(id);
  r.customer = std::move(customer);
  r.channel = "CTI";
  r.agent_id = "1001";
  r.event = "On Ring";
  r.received_at_ms = at_ms;
  r.message = R"({"event":"On Ring"})";
  return r;
}

TEST_F(SqlTimelinesTest, ReplaceAllKeepsOnlyTheLatestSaveOldestFirst) {
  SqlTimelines timelines(db_, "node-a");
  store_.write([&](Repositories& repos) {
    repos.timelines.replace_all({record("old", 1), record("gone", 2)});
  });
  store_.write([&](Repositories& repos) {
    repos.timelines.replace_all({record("t2", 20, "zeta"), record("t1", 10)});
  });
  const auto kept = timelines.all();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].id, "t1");
  EXPECT_EQ(kept[1].id, "t2");
  EXPECT_EQ(kept[1].customer, "zeta");
  EXPECT_EQ(kept[0].message, R"({"event":"On Ring"})");
}

TEST_F(SqlTimelinesTest, AnUnreadableRowIsSkippedNotFatal) {
  SqlTimelines timelines(db_, "node-a");
  timelines.replace_all({record("t1", 10)});
  db_.exec(db_.engine() == Engine::postgresql
               ? "INSERT INTO trigger_timelines (id, customer_id, received_at, record, node) "
                 "VALUES ('bad', 'acme', 5, '{\"id\":\"bad\",\"channel\":\"FAX\"}', 'node-a')"
               : "INSERT INTO trigger_timelines (id, customer_id, received_at, record) "
                 "VALUES ('bad', 'acme', 5, '{\"id\":\"bad\",\"channel\":\"FAX\"}')");
  const auto kept = timelines.all();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id, "t1");
}

}  // namespace
}  // namespace popflow::store
