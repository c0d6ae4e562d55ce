#include "app/admin.hpp"

#include <fmt/format.h>
#include <filesystem>
#include <ostream>

#include "core/duration.hpp"
#include "core/time.hpp"
#include "store/customer_store.hpp"
#include "store/secret.hpp"
#include "store/store_import.hpp"

namespace popflow::app {
namespace {

std::string prepare_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create data dir " + path + ": " + ec.message());
  return path;
}

std::string when(const std::optional<std::int64_t>& unix_seconds) {
  if (!unix_seconds) return "-";
  return format_iso8601_ms(SystemTime(std::chrono::seconds(*unix_seconds))).substr(0, 19) + "Z";
}

std::string join(const std::vector<std::string>& items, std::string_view empty) {
  if (items.empty()) return std::string(empty);
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

DataDir::DataDir(const std::string& path, const std::string& store_setting)
    : location(store::StoreLocation::parse(store_setting, prepare_dir(path))),
      db(location.open()),
      secret(store::signing_secret(location, db)) {}

store::Database& DataDir::local() {
  if (location.engine == store::Engine::sqlite) return db;
  if (!local_) local_.emplace(location.sqlite_path());
  return *local_;
}

void customer_add(DataDir& dir, const std::string& id, const std::string& name, std::ostream& out) {
  if (!store::CustomerStore::is_valid_id(id))
    throw std::runtime_error("invalid customer ID '" + id + "': use 1 to 64 of A-Z a-z 0-9 . _ -");
  store::CustomerStore(dir.db).add({id, name, unix_now()});
  out << id << "\n";
}

void customer_list(DataDir& dir, std::ostream& out) {
  for (const auto& customer : store::CustomerStore(dir.db).list()) {
    out << customer.id;
    if (!customer.name.empty() || customer.disabled_at) out << "\t" << customer.name;
    if (customer.disabled_at) out << "\tdisabled";  // by an operator, in the console
    out << "\n";
  }
}

void key_list(DataDir& dir, const std::optional<std::string>& customer, std::ostream& out) {
  // An empty table would read as "this customer has no keys".
  if (customer && !store::CustomerStore(dir.db).exists(*customer))
    throw std::runtime_error("unknown customer '" + *customer + "': see 'customer list'");
  constexpr auto kRow = "{:<24} {:<16} {:<12} {:<8} {:<24} {:<8} {:<20} {:<20} {:<20} {}\n";
  out << fmt::format(kRow, "KEY_ID", "CUSTOMER", "KIND", "SCOPE", "CRM_IDS", "AGENT", "CREATED",
                     "EXPIRES", "REVOKED", "LABEL");
  for (const auto& key : store::KeyStore(dir.db).list(customer)) {
    out << fmt::format(kRow, key.id, key.customer_id, to_string(key.kind), join(key.scope, "-"),
                       join(key.crm_ids, key.kind == store::KeyKind::api_key ? "any" : "-"),
                       key.agent_id.value_or("-"), when(key.created_at), when(key.expires_at),
                       when(key.revoked_at), key.label);
  }
}

void key_revoke(DataDir& dir, const std::string& key_id, std::ostream& out) {
  if (!store::KeyStore(dir.db).revoke(key_id, unix_now()))
    throw std::runtime_error("unknown key '" + key_id + "': see 'key list'");
  out << key_id << " revoked\n";
}

void store_import(const std::string& data_dir, const std::string& store_setting,
                  std::ostream& out) {
  const auto location = store::StoreLocation::parse(store_setting, data_dir);
  if (location.engine != store::Engine::postgresql)
    throw std::runtime_error(
        "store import needs --store postgresql://… (where to) and --data-dir (what to import)");
  if (!std::filesystem::exists(location.sqlite_path()) ||
      !std::filesystem::exists(data_dir + "/secret.key"))
    throw std::runtime_error("no store to import in " + data_dir +
                             " (popflow.db and secret.key): see --data-dir");
  store::Database from(location.sqlite_path());
  auto to = location.open();
  const auto imported = store::import_store(from, to, store::load_or_create_secret(data_dir),
                                            store::node_name(data_dir));
  for (const auto& table : imported) out << table.name << "\t" << table.rows << "\n";
  out << "imported into " << location.redacted << "; start every node with --store\n";
}

std::chrono::seconds duration_flag(const std::string& flag, const std::string& text) {
  const auto parsed = parse_duration(text);
  if (!parsed || parsed->count() <= 0)
    throw std::runtime_error(flag + ": '" + text + "' is not a duration like 90d, 12h, 30m or 30s");
  return std::chrono::duration_cast<std::chrono::seconds>(*parsed);
}

}  // namespace popflow::app
