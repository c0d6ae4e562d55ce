#include "store/postgres_listener.hpp"

#include <libpq-fe.h>

#include "store/database.hpp"

namespace popflow::store {
namespace {

std::string why(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

ChangeListener::ChangeListener(const std::string& url, const std::string& redacted)
    : redacted_(redacted) {
  const char* const keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* const values[] = {"3", "popflow-connect-listen", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const auto reason = conn_ ? why(conn_) : std::string("out of memory");
    PQfinish(conn_);
    throw StoreUnavailable("cannot listen to the store at " + redacted_ + ": " + reason);
  }
  PGresult* result = PQexec(conn_, "LISTEN popflow_changes");
  const bool listening = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!listening || PQsetnonblocking(conn_, 1) != 0) {
    const auto reason = why(conn_);
    PQfinish(conn_);
    throw StoreUnavailable("cannot listen to the store at " + redacted_ + ": " + reason);
  }
}

ChangeListener::~ChangeListener() {
  PQfinish(conn_);
}

int ChangeListener::socket() const {
  return PQsocket(conn_);
}

bool ChangeListener::changed() {
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK)
    throw StoreUnavailable("lost the store's notifications at " + redacted_ + ": " + why(conn_));
  bool any = false;
  while (PGnotify* notice = PQnotifies(conn_)) {
    any = true;
    PQfreemem(notice);
  }
  return any;
}

}  // namespace popflow::store
