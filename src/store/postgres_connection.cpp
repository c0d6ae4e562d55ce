// The PostgreSQL engine of Database (database.hpp), over libpq's blocking calls: the store is
// only used from threads that may block (the admin service's store thread, the key
// refresher's thread, admin commands), never from an event loop.
//
// Each statement is sent with PQexecParams when first stepped: parameters as text (bytes as
// binary), results as text, read back as SQLite's cursor would (NULL reads as "" and 0).
#include <libpq-fe.h>

#include <charconv>
#include <vector>

#include "store/database.hpp"
#include "store/migrations.hpp"

namespace popflow::store {
namespace {

// ?1 → $1 outside quoted literals and identifiers, so one SQL text serves both engines.
std::string numbered_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

// Connection failures (class 08), a server shutting down or starting (57P0x): retry later.
bool unreachable(const char* sqlstate) {
  const std::string_view state = sqlstate ? sqlstate : "";
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresConnection final : public detail::Connection {
 public:
  PostgresConnection(std::string url, std::string redacted)
      : url_(std::move(url)), redacted_(std::move(redacted)) {
    // The URL's own settings come after ours, so they win (expand_dbname: later overrides).
    const char* const keys[] = {"connect_timeout", "application_name", "options", "dbname",
                                nullptr};
    const char* const values[] = {
        "3", "popflow-connect",
        // A store that hangs fails the call rather than the thread it blocks.
        "-c statement_timeout=10000 -c lock_timeout=10000 -c "
        "idle_in_transaction_session_timeout=60000",
        url_.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!conn_)
      throw StoreUnavailable("cannot reach the store at " + redacted_ + ": out of memory");
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);  // "already exists", …
    if (PQstatus(conn_) != CONNECTION_OK) {
      const auto why = trimmed(PQerrorMessage(conn_));
      PQfinish(conn_);
      throw StoreUnavailable("cannot reach the store at " + redacted_ + ": " + why);
    }
  }
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Engine engine() const override { return Engine::postgresql; }

  void exec(std::string_view sql) override {
    const std::string text(sql);
    const bool ends = text == "COMMIT" || text == "ROLLBACK";
    ready();
    Result result(PQexec(conn_, text.c_str()));
    if (ends) in_transaction_ = false;
    try {
      check(result.get());
    } catch (const StoreError&) {
      // A multi-statement BEGIN (begin()) that failed after its BEGIN leaves the session in
      // a failed transaction nobody else will end.
      if (!in_transaction_ && PQtransactionStatus(conn_) == PQTRANS_INERROR)
        Result(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  std::unique_ptr<detail::Cursor> prepare(std::string_view sql) override;

  int changes() const override { return changes_; }

  std::int64_t data_version() override {
    ready();
    Result result(PQexec(conn_, "SELECT version FROM popflow_changes"));
    check(result.get());
    if (PQntuples(result.get()) != 1) throw StoreError("popflow_changes has no row");
    return std::stoll(PQgetvalue(result.get(), 0, 0));
  }

  void begin(Transaction kind) override {
    // One advisory lock for every checked write: writers go one at a time across nodes,
    // as SQLite's BEGIN IMMEDIATE has them, so a check and its write never race. READ
    // COMMITTED: each statement after the lock sees every earlier writer's commit.
    const char* sql = kind == Transaction::write  ? "BEGIN; SELECT pg_advisory_xact_lock(7370465)"
                      : kind == Transaction::read ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                                  : "BEGIN";
    try {
      exec(sql);
    } catch (const StoreUnavailable&) {
      // The server ended the connection while it was idle (a restart, a failover): nothing
      // was begun, so beginning again on a new one is safe. ready() makes it.
      if (PQstatus(conn_) == CONNECTION_OK) throw;
      exec(sql);
    }
    in_transaction_ = true;
  }

  // For cursors: sends one statement with its parameters.
  Result run(const std::string& sql, const std::vector<std::optional<std::string>>& params,
             const std::vector<Oid>& types, const std::vector<int>& formats) {
    ready();
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const auto& param : params) {
      values.push_back(param ? param->data() : nullptr);
      lengths.push_back(param ? static_cast<int>(param->size()) : 0);
    }
    Result result(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), types.data(),
                               values.data(), lengths.data(), formats.data(), 0));
    check(result.get());
    const char* tuples = PQcmdTuples(result.get());
    changes_ = tuples && *tuples ? std::atoi(tuples) : 0;
    return result;
  }

 private:
  // A connection lost between transactions is made again (blocking, for connect_timeout at
  // most); one lost inside a transaction fails it: what ran before is gone with it.
  void ready() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    if (in_transaction_)
      throw StoreUnavailable("the connection to the store at " + redacted_ +
                             " was lost during a transaction");
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw StoreUnavailable("cannot reach the store at " + redacted_ + ": " +
                             trimmed(PQerrorMessage(conn_)));
  }

  void check(PGresult* result) {
    const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const auto why = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (PQstatus(conn_) != CONNECTION_OK || unreachable(state))
      throw StoreUnavailable("the store at " + redacted_ + " is unreachable: " + why);
    throw StoreError(why, 0, state ? state : "");
  }

  std::string url_;
  std::string redacted_;
  PGconn* conn_ = nullptr;
  int changes_ = 0;
  bool in_transaction_ = false;
};

class PostgresCursor final : public detail::Cursor {
 public:
  PostgresCursor(PostgresConnection& connection, std::string_view sql)
      : connection_(connection), sql_(numbered_parameters(sql)) {}

  void bind_text(int index, std::string_view text) override {
    slot(index, detail::ValueType::text) = std::string(text);
  }
  void bind_integer(int index, std::int64_t value) override {
    slot(index, detail::ValueType::integer) = std::to_string(value);
  }
  void bind_blob(int index, std::string_view bytes) override {
    slot(index, detail::ValueType::blob) = std::string(bytes);  // sent binary: as it is
  }
  void bind_null(int index, detail::ValueType type) override { slot(index, type).reset(); }

  bool step() override {
    if (!result_) {
      result_ = connection_.run(sql_, params_, types_, formats_);
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_.get());
  }
  void reset() override {
    result_.reset();
    params_.clear();
    types_.clear();
    formats_.clear();
  }

  bool is_null(int column) const override {
    return !result_ || PQgetisnull(result_.get(), row_, column);
  }
  std::string text(int column) const override {
    if (is_null(column)) return {};
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }
  std::int64_t integer(int column) const override {
    const auto value = text(column);
    std::int64_t out = 0;
    if (value == "t" || value == "f") return value == "t";  // a boolean column
    std::from_chars(value.data(), value.data() + value.size(), out);
    return out;
  }
  std::string blob(int column) const override {
    if (is_null(column)) return {};
    std::size_t length = 0;
    auto* bytes = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
    if (!bytes) throw StoreError("unreadable bytea value");
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
  }

 private:
  // The parameter's value, its type named (TEXT, INT8, BYTEA: the SQL may not say which)
  // and bytes sent binary.
  std::optional<std::string>& slot(int index, detail::ValueType type) {
    if (index < 1) throw StoreError("parameter index " + std::to_string(index) + " (from 1)");
    if (params_.size() < static_cast<std::size_t>(index)) {
      params_.resize(index);
      types_.resize(index, 0);
      formats_.resize(index, 0);
    }
    static constexpr Oid kText = 25, kInt8 = 20, kBytea = 17;
    types_[index - 1] = type == detail::ValueType::text      ? kText
                        : type == detail::ValueType::integer ? kInt8
                                                             : kBytea;
    formats_[index - 1] = type == detail::ValueType::blob ? 1 : 0;
    return params_[index - 1];
  }

  PostgresConnection& connection_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
  Result result_;
  int row_ = 0;
};

std::unique_ptr<detail::Cursor> PostgresConnection::prepare(std::string_view sql) {
  return std::make_unique<PostgresCursor>(*this, sql);
}

}  // namespace

Database Database::postgresql(const std::string& url, const std::string& redacted) {
  Database db(std::make_unique<PostgresConnection>(url, redacted));
  migrate(db);
  return db;
}

}  // namespace popflow::store
