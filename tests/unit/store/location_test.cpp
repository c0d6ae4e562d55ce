#include "store/location.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace popflow::store {
namespace {

TEST(StoreLocation, SqliteIsTheDefaultAndLivesInTheDataDir) {
  for (const auto* setting : {"", "sqlite"}) {
    const auto location = StoreLocation::parse(setting, "/var/lib/popflow");
    EXPECT_EQ(location.engine, Engine::sqlite);
    EXPECT_EQ(location.sqlite_path(), "/var/lib/popflow/popflow.db");
    EXPECT_EQ(location.redacted, "/var/lib/popflow/popflow.db");
  }
}

TEST(StoreLocation, APostgresqlUrlIsKeptWholeButShownWithoutItsPassword) {
  const std::string url = "postgresql://popflow:s3cret@db.internal:5432/popflow?sslmode=require";
  const auto location = StoreLocation::parse(url, "/data");
  EXPECT_EQ(location.engine, Engine::postgresql);
  EXPECT_EQ(location.url, url);  // libpq needs the password
  EXPECT_EQ(location.redacted, "postgresql://popflow@db.internal:5432/popflow?sslmode=require");
  EXPECT_EQ(location.sqlite_path(), "/data/popflow.db");  // the session journal stays here
}

TEST(StoreLocation, APasswordGivenAsAParameterIsNotShownEither) {
  const auto location =
      StoreLocation::parse("postgres://db:5432/popflow?password=s3cret&application_name=x", "/d");
  EXPECT_EQ(location.engine, Engine::postgresql);
  EXPECT_EQ(location.redacted.find("s3cret"), std::string::npos) << location.redacted;
  EXPECT_NE(location.redacted.find("application_name=x"), std::string::npos);
}

TEST(StoreLocation, AnythingElseIsRefusedNamingWhatIsExpected) {
  for (const auto* setting : {"mysql://db/popflow", "popflow.db", "postgresql:///popflow"}) {
    try {
      StoreLocation::parse(setting, "/d");
      ADD_FAILURE() << setting << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("store:"), std::string::npos) << e.what();
    }
  }
}

TEST(StoreLocation, AnUnreachableServerIsUnavailableNamingItWithoutThePassword) {
  // Port 1 on loopback: refused at once.
  const auto location = StoreLocation::parse("postgresql://u:s3cret@127.0.0.1:1/popflow", "/d");
  try {
    location.open();
    ADD_FAILURE() << "connected to port 1";
  } catch (const StoreUnavailable& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("postgresql://u@127.0.0.1:1/popflow"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace popflow::store
