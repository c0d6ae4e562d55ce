#pragma once
// RAII over sqlite3* and sqlite3_stmt*. The store is used by admin commands and by the
// server's key refresher, never on the trigger path, so errors throw StoreError.
// A Database is used by one thread at a time.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace popflow::store {

struct StoreError : std::runtime_error {
  explicit StoreError(const std::string& what, int code = 0)
      : std::runtime_error(what), sqlite_code(code) {}
  int sqlite_code;  // the SQLite result code when SQLite failed, else 0
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_blob(int index, std::string_view bytes);  // bytes, not UTF-8 text
  Statement& bind_null(int index);
  bool step();   // true while rows remain
  void run();    // steps to completion, then resets: the statement can be bound again
  void reset();  // back to its start, bindings cleared

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::string blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating if needed) in WAL mode with a busy timeout, then migrates. Every failure
  // names the file; one that is not a database or is damaged also says what to do.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  int changes() const;
  // Changes whenever another connection commits (PRAGMA data_version): a cheap way for
  // the server to notice `key revoke` run by the CLI.
  std::int64_t data_version();

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace popflow::store
