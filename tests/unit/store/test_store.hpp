#pragma once
// Where a store test keeps its store. In store_tests: a SQLite file in a temp dir. In
// store_pg_tests (the same tests, built with POPFLOW_TEST_POSTGRESQL): a database of its own
// in the PostgreSQL server ctest's `postgres` fixture started (tests/support/postgres.sh),
// whose URL is in the file POPFLOW_TEST_POSTGRES_FILE names; dropped afterwards. A database,
// not a schema: notifications (LISTEN/NOTIFY) are per database, and tests run side by side.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "store/database.hpp"
#include "temp_dir.hpp"

namespace popflow::testing_support {

class TestStore {
 public:
  TestStore() {
#ifdef POPFLOW_TEST_POSTGRESQL
    static int made = 0;
    database_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    admin("CREATE DATABASE " + database_);
    const auto server = server_url();  // …/postgres: the same server, the test's database
    url_ = server.substr(0, server.rfind('/') + 1) + database_;
#endif
  }
  ~TestStore() {
#ifdef POPFLOW_TEST_POSTGRESQL
    admin("DROP DATABASE " + database_ + " WITH (FORCE)");
#endif
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // Another connection to the same store, as another process would have.
  store::Database open() const {
#ifdef POPFLOW_TEST_POSTGRESQL
    return store::Database::postgresql(url_, "the test's PostgreSQL");
#else
    return store::Database(dir_.file("store.db"));
#endif
  }
  const TempDir& dir() const {
    return dir_;
  }
  std::string url() const {
    return url_;
  }

  // The server's URL, from the fixture's file.
  static std::string server_url() {
    const char* file = std::getenv("POPFLOW_TEST_POSTGRES_FILE");
    if (!file || !*file)
      throw std::runtime_error(
          "POPFLOW_TEST_POSTGRES_FILE is not set: run store_pg_tests with ctest");
    std::ifstream in(file);
    std::string url;
    if (!std::getline(in, url) || url.empty())
      throw std::runtime_error(std::string("no URL in ") + file);
    return url;
  }

 private:
  static void admin(const std::string& sql) {
    PGconn* conn = PQconnectdb(server_url().c_str());
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // "drop cascades to …"
    PGresult* result = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string why = PQerrorMessage(conn);
    PQclear(result);
    PQfinish(conn);
    if (!ok) throw std::runtime_error(sql + ": " + why);
  }

  TempDir dir_;
  std::string url_;
  std::string database_;
};

// A constraint (unique, foreign key, check) refused the write, on either engine.
inline bool is_constraint(const store::StoreError& e) {
  return (e.sqlite_code & 0xff) == SQLITE_CONSTRAINT || e.sqlstate.starts_with("23");
}

}  // namespace popflow::testing_support
