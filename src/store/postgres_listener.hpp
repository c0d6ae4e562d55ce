#pragma once
// LISTEN popflow_changes on a PostgreSQL connection of its own: told at once when anyone
// commits a change the nodes hold in memory (postgres_schema.cpp's triggers), so a revoked
// key is refused on every node within milliseconds, not at the next poll.
//
// No event loop here: the owner waits for socket() to be readable (Asio, in the key
// refresher) and then calls changed(). Used by one thread at a time.
#include <string>

struct pg_conn;

namespace popflow::store {

class ChangeListener {
 public:
  // Connects (blocking, for libpq's connect_timeout at most) and LISTENs; throws
  // StoreUnavailable.
  ChangeListener(const std::string& url, const std::string& redacted);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  int socket() const;
  // Reads what the socket holds without blocking: true when a change was announced since
  // the last call. Throws StoreUnavailable when the connection is gone (then make another).
  bool changed();

 private:
  pg_conn* conn_ = nullptr;
  std::string redacted_;
};

}  // namespace popflow::store
