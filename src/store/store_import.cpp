#include "store/store_import.hpp"

namespace popflow::store {
namespace {

struct Column {
  const char* name;
  bool integer;  // else text
};

struct Table {
  const char* name;
  std::vector<Column> columns;
};

// In foreign-key order: what a row refers to is copied before it. The columns are SQLite's
// latest step (migrations.cpp), which PostgreSQL's schema mirrors (postgres_schema.cpp).
const std::vector<Table>& tables() {
  static const std::vector<Table> list = {
      {"customers", {{"id", false}, {"name", false}, {"created_at", true}, {"disabled_at", true}}},
      {"keys",
       {{"id", false},
        {"customer_id", false},
        {"kind", false},
        {"scope", false},
        {"crm_ids", false},
        {"agent_id", false},
        {"label", false},
        {"created_at", true},
        {"expires_at", true},
        {"revoked_at", true},
        {"last_used_at", true}}},
      {"instances",
       {{"customer_id", false},
        {"crm_id", false},
        {"name", false},
        {"crm_type", false},
        {"url_record", false},
        {"url_new_record", false},
        {"url_search", false},
        {"created_at", true},
        {"revision", true},
        {"supersede_by", false}}},
      {"profiles", {{"customer_id", false}, {"crm_id", false}, {"name", false}}},
      {"agents",
       {{"customer_id", false}, {"crm_id", false}, {"agent_id", false}, {"profile", false}}},
      {"events",
       {{"customer_id", false},
        {"crm_id", false},
        {"name", false},
        {"description", false},
        {"built_in", true},
        {"stale_after", true}}},
      {"workflows",
       {{"id", false},
        {"customer_id", false},
        {"crm_id", false},
        {"name", false},
        {"event", false},
        {"description", false},
        {"draft", false},
        {"created_at", true},
        {"updated_at", true},
        {"revision", true}}},
      {"workflow_versions",
       {{"workflow_id", false},
        {"number", true},
        {"definition", false},
        {"created_at", true},
        {"created_by", false}}},
      {"publications",
       {{"customer_id", false},
        {"crm_id", false},
        {"event", false},
        {"profile", false},
        {"workflow_id", false},
        {"version", true},
        {"published_at", true},
        {"published_by", false}}},
      {"users",
       {{"name", false},
        {"customer_id", false},
        {"role", false},
        {"password_hash", false},
        {"created_at", true},
        {"last_login_at", true}}},
      // Its ids kept: a reader's before_id cursor stays meaningful (the identity is moved
      // past them below).
      {"audit_log",
       {{"id", true},
        {"customer_id", false},
        {"at", true},
        {"actor", false},
        {"action", false},
        {"target", false},
        {"before", false},
        {"after", false}}},
      {"trigger_timelines",
       {{"id", false}, {"customer_id", false}, {"received_at", true}, {"record", false}}},
  };
  return list;
}

std::size_t copy(Database& from, Database& to, const Table& table, const std::string& node) {
  std::string names, values;
  int index = 0;
  for (const auto& column : table.columns) {
    const bool first = index++ == 0;
    names += (first ? "" : ", ") + std::string(column.name);
    values += (first ? "?" : ", ?") + std::to_string(index);
  }
  const bool timelines = std::string_view(table.name) == "trigger_timelines";
  std::string insert =
      "INSERT INTO " + std::string(table.name) + " (" + names + (timelines ? ", node" : "") + ")";
  if (std::string_view(table.name) == "audit_log") insert += " OVERRIDING SYSTEM VALUE";
  insert += " VALUES (" + values + (timelines ? ", ?" + std::to_string(index + 1) : "") + ")";

  auto rows = from.prepare("SELECT " + names + " FROM " + table.name);
  auto into = to.prepare(insert);
  std::size_t count = 0;
  while (rows.step()) {
    for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
      if (table.columns[i].integer)
        into.bind(i + 1, rows.optional_integer(i));
      else
        into.bind(i + 1, rows.optional_text(i));
    }
    if (timelines) into.bind(index + 1, node);
    into.run();
    ++count;
  }
  return count;
}

bool empty(Database& to) {
  auto held = to.prepare(
      "SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM users) + "
      "(SELECT COUNT(*) FROM popflow_secret)");
  return held.step() && held.integer(0) == 0;
}

}  // namespace

std::vector<ImportedTable> import_store(Database& from, Database& to, const std::string& secret,
                                        const std::string& node) {
  if (from.engine() != Engine::sqlite || to.engine() != Engine::postgresql)
    throw StoreError("store import copies a SQLite store (--data-dir) into PostgreSQL (--store)");
  std::vector<ImportedTable> imported;
  to.begin(Transaction::write);
  try {
    if (!empty(to))
      throw StoreError(
          "the PostgreSQL store already holds customers, users or a signing secret: import only "
          "into a new, empty one");
    for (const auto& table : tables())
      imported.push_back({table.name, copy(from, to, table, node)});
    to.exec(
        "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
        "COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1, false)");
    to.prepare("INSERT INTO popflow_secret (secret) VALUES (?1)").bind_blob(1, secret).run();
    to.exec("COMMIT");
  } catch (...) {
    roll_back(to);
    throw;
  }
  return imported;
}

}  // namespace popflow::store
