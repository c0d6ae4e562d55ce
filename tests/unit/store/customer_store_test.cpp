#include "store/customer_store.hpp"

#include <gtest/gtest.h>

#include "test_store.hpp"

namespace popflow::store {
namespace {

using testing_support::TestStore;

class CustomerStoreTest : public testing::Test {
 protected:
  TestStore place_;
  Database db_ = place_.open();
  CustomerStore customers_{db_};
};

TEST_F(CustomerStoreTest, AddThenListInIdOrder) {
  customers_.add({"zeta", "Zeta Ltd", 200});
  customers_.add({"acme", "Acme Corp", 100});
  const auto all = customers_.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "acme");
  EXPECT_EQ(all[0].name, "Acme Corp");
  EXPECT_EQ(all[0].created_at, 100);
  EXPECT_EQ(all[1].id, "zeta");
}

TEST_F(CustomerStoreTest, ListOfEmptyStoreIsEmpty) {
  EXPECT_TRUE(customers_.list().empty());
}

TEST_F(CustomerStoreTest, ExistsAfterAdd) {
  EXPECT_FALSE(customers_.exists("acme"));
  customers_.add({"acme", "", 1});
  EXPECT_TRUE(customers_.exists("acme"));
  EXPECT_FALSE(customers_.exists("ACME"));  // ids are case-sensitive
}

TEST_F(CustomerStoreTest, DuplicateIsRefusedWithAClearMessage) {
  customers_.add({"acme", "first", 1});
  try {
    customers_.add({"acme", "second", 2});
    FAIL() << "duplicate accepted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  ASSERT_EQ(customers_.list().size(), 1u);
  EXPECT_EQ(customers_.list()[0].name, "first");
}

TEST_F(CustomerStoreTest, InvalidIdIsRefused) {
  EXPECT_THROW(customers_.add({"a/b", "", 1}), StoreError);
  EXPECT_THROW(customers_.add({"", "", 1}), StoreError);
  EXPECT_TRUE(customers_.list().empty());
}

TEST_F(CustomerStoreTest, SurvivesReopen) {
  customers_.add({"acme", "Acme", 1});
  auto again = place_.open();
  EXPECT_TRUE(CustomerStore(again).exists("acme"));
}

TEST_F(CustomerStoreTest, RenameAndDisableThenEnableAgain) {
  customers_.add({"acme", "Acme", 1});
  customers_.add({"zeta", "Zeta", 1});
  EXPECT_TRUE(customers_.rename("acme", "Acme Corp"));
  EXPECT_TRUE(customers_.set_disabled("acme", 50));
  auto acme = customers_.find("acme");
  ASSERT_TRUE(acme);
  EXPECT_EQ(acme->name, "Acme Corp");
  EXPECT_EQ(acme->disabled_at, 50);
  EXPECT_EQ(customers_.disabled_ids(), std::vector<std::string>{"acme"});
  EXPECT_EQ(customers_.find("zeta")->disabled_at, std::nullopt);
  EXPECT_TRUE(customers_.set_disabled("acme", std::nullopt));
  EXPECT_EQ(customers_.find("acme")->disabled_at, std::nullopt);
  EXPECT_TRUE(customers_.disabled_ids().empty());
}

TEST_F(CustomerStoreTest, ChangingAnUnknownCustomerSaysSo) {
  EXPECT_FALSE(customers_.rename("ghost", "x"));
  EXPECT_FALSE(customers_.set_disabled("ghost", 1));
  EXPECT_EQ(customers_.find("ghost"), std::nullopt);
  EXPECT_TRUE(customers_.list().empty());
}

TEST(CustomerId, ValidIdsMatchTheContractPattern) {
  for (const char* id : {"acme", "ACME", "a", "a.b_c-d", "0123456789", "..", "-"}) {
    EXPECT_TRUE(CustomerStore::is_valid_id(id)) << id;
  }
  EXPECT_TRUE(CustomerStore::is_valid_id(std::string(64, 'x')));
}

TEST(CustomerId, InvalidIdsAreRefused) {
  for (const char* id : {"", "a/b", "a+b", "a#b", "a b", "caf\xc3\xa9", "a:b", "a\tb", "$SYS"}) {
    EXPECT_FALSE(CustomerStore::is_valid_id(id)) << id;
  }
  EXPECT_FALSE(CustomerStore::is_valid_id(std::string(65, 'x')));
  EXPECT_FALSE(CustomerStore::is_valid_id(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace popflow::store
