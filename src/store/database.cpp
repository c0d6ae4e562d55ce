#include "store/database.hpp"

#include <sqlite3.h>

#include "store/migrations.hpp"

namespace popflow::store {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"),
                   db ? sqlite3_errcode(db) : SQLITE_NOMEM);
}

class SqliteCursor final : public detail::Cursor {
 public:
  SqliteCursor(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      fail(db, "prepare");
  }
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void bind_text(int index, std::string_view text) override {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
  }
  void bind_integer(int index, std::int64_t value) override {
    check(sqlite3_bind_int64(stmt_, index, value));
  }
  void bind_blob(int index, std::string_view bytes) override {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
  }
  void bind_null(int index, detail::ValueType) override { check(sqlite3_bind_null(stmt_, index)); }

  bool step() override {
    switch (sqlite3_step(stmt_)) {
      case SQLITE_ROW:
        return true;
      case SQLITE_DONE:
        return false;
      default:
        fail(db_, "step");
    }
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::string text(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, column))
             : std::string();
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string blob(int column) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, column)) : std::string();
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConnection final : public detail::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Engine engine() const override { return Engine::sqlite; }

  void exec(std::string_view sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError(why, sqlite3_errcode(db_));
    }
  }
  std::unique_ptr<detail::Cursor> prepare(std::string_view sql) override {
    return std::make_unique<SqliteCursor>(db_, sql);
  }
  int changes() const override { return sqlite3_changes(db_); }
  std::int64_t data_version() override {
    SqliteCursor version(db_, "PRAGMA data_version");
    version.step();
    return version.integer(0);
  }
  // IMMEDIATE takes the write lock at BEGIN: checks made inside see no concurrent writer.
  // Every commit moves other connections' data_version, announced or not.
  void begin(Transaction kind) override {
    exec(kind == Transaction::read ? "BEGIN" : "BEGIN IMMEDIATE");
  }

 private:
  sqlite3* db_;
};

}  // namespace

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  if (value) return bind(index, *value);
  cursor_->bind_null(index, detail::ValueType::integer);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  if (value) return bind(index, std::string_view(*value));
  cursor_->bind_null(index, detail::ValueType::text);
  return *this;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (cursor_->is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (cursor_->is_null(column)) return std::nullopt;
  return text(column);
}

void roll_back(Database& db) noexcept {
  try {
    db.exec("ROLLBACK");
  } catch (const StoreError&) {
  }
}

Database::Database(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open " + path + ": " + why);
  }
  connection_ = std::make_unique<SqliteConnection>(db);  // closes it, whatever happens next
  sqlite3_busy_timeout(db, 5000);
  try {
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
    migrate(*this);
  } catch (const StoreError& e) {
    // SQLite finds a damaged file at the first read, which is here: say which and what to do.
    if ((e.sqlite_code & 0xff) == SQLITE_NOTADB || (e.sqlite_code & 0xff) == SQLITE_CORRUPT)
      throw StoreError(path + " is damaged or not a popflow-connect store (" + e.what() +
                           "): restore it from a backup, or use --data-dir to choose another "
                           "data dir",
                       e.sqlite_code);
    throw StoreError(path + ": " + e.what(), e.sqlite_code);
  }
}

}  // namespace popflow::store
