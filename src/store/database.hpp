#pragma once
// One connection to the store's engine: SQLite (a file in the data dir, the default) or
// PostgreSQL (one database shared by several nodes, CONTRACT "Several nodes"). Callers write
// the SQL both engines understand, with SQLite's numbered parameters (`?1`, `?2`, …), which
// the PostgreSQL connection rewrites to `$1`, `$2`, …; what differs (how a transaction
// begins, the change counter) is asked of the connection, not written by callers.
//
// The store is used by admin commands, the admin service's store thread, the key refresher
// and the journal thread, never on an event loop, so calls block and errors throw StoreError.
// A Database is used by one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace popflow::store {

enum class Engine { sqlite, postgresql };

struct StoreError : std::runtime_error {
  explicit StoreError(const std::string& what, int code = 0, std::string state = {})
      : std::runtime_error(what), sqlite_code(code), sqlstate(std::move(state)) {}
  int sqlite_code;       // the SQLite result code when SQLite failed, else 0
  std::string sqlstate;  // PostgreSQL's SQLSTATE when PostgreSQL refused, else empty
};

// The engine cannot be reached now (PostgreSQL stopped, the network down): nothing was
// written, and the same call may succeed later. The admin API answers 503 for it.
struct StoreUnavailable : StoreError {
  using StoreError::StoreError;
};

// How a transaction begins (Database::begin).
enum class Transaction {
  read,   // one consistent snapshot
  write,  // writers one at a time, across nodes: a check and the write it guards are atomic
  quiet,  // a write that checks nothing first (when keys were last used)
};

namespace detail {

// What a parameter holds, NULL included: PostgreSQL must know a parameter's type where the
// SQL alone does not say (`?1 IS NULL OR id < ?1`).
enum class ValueType { text, integer, blob };

// What an engine implements: a prepared statement with its bindings and current row…
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_integer(int index, std::int64_t value) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
  virtual void bind_null(int index, ValueType type) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual std::string blob(int column) const = 0;
};

// …and a connection.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;
  virtual void exec(std::string_view sql) = 0;
  virtual std::unique_ptr<Cursor> prepare(std::string_view sql) = 0;
  virtual int changes() const = 0;
  virtual std::int64_t data_version() = 0;
  virtual void begin(Transaction kind) = 0;
};

}  // namespace detail

class Statement {
 public:
  explicit Statement(std::unique_ptr<detail::Cursor> cursor) : cursor_(std::move(cursor)) {}

  Statement& bind(int index, std::string_view text) {
    cursor_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value) {
    cursor_->bind_integer(index, value);
    return *this;
  }
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_blob(int index, std::string_view bytes) {  // bytes, not UTF-8 text
    cursor_->bind_blob(index, bytes);
    return *this;
  }
  bool step() { return cursor_->step(); }  // true while rows remain
  void run();                              // steps to completion, then resets: bind again
  void reset() { cursor_->reset(); }       // back to its start, bindings cleared

  std::string text(int column) const { return cursor_->text(column); }         // "" for NULL
  std::int64_t integer(int column) const { return cursor_->integer(column); }  // 0 for NULL
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::string blob(int column) const { return cursor_->blob(column); }

 private:
  std::unique_ptr<detail::Cursor> cursor_;
};

class Database {
 public:
  // SQLite: opens (creating if needed) in WAL mode with a busy timeout, then migrates. Every
  // failure names the file; one that is not a database or is damaged also says what to do.
  explicit Database(const std::string& path);
  // PostgreSQL at a libpq URL (postgresql://user@host:port/db): connects, then migrates.
  // `redacted` (the URL without its password) is what error messages name.
  static Database postgresql(const std::string& url, const std::string& redacted);

  Engine engine() const { return connection_->engine(); }
  void exec(std::string_view sql) { connection_->exec(sql); }
  Statement prepare(std::string_view sql) { return Statement(connection_->prepare(sql)); }
  int changes() const { return connection_->changes(); }  // rows the last statement changed
  // Changes whenever another connection commits: a cheap way for the server to notice
  // `key revoke` run by the CLI or another node. SQLite: PRAGMA data_version (other
  // connections' commits only); PostgreSQL: a counter the tables' triggers move on every
  // change that matters (postgres_schema.cpp), which also NOTIFY popflow_changes.
  std::int64_t data_version() { return connection_->data_version(); }
  // BEGIN, as `kind` needs on this engine; COMMIT and ROLLBACK are plain SQL.
  void begin(Transaction kind) { connection_->begin(kind); }

 private:
  explicit Database(std::unique_ptr<detail::Connection> connection)
      : connection_(std::move(connection)) {}

  std::unique_ptr<detail::Connection> connection_;
};

// ROLLBACK after a failure, without hiding it: a ROLLBACK that fails too (the connection is
// gone, or the engine already ended the transaction) loses to the exception that caused it.
void roll_back(Database& db) noexcept;

}  // namespace popflow::store
