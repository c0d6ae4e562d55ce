#include "app/workflows_cli.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "admin/workflow_files.hpp"
#include "core/time.hpp"
#include "store/customer_store.hpp"
#include "store/sql_store.hpp"

namespace popflow::app {
namespace {

constexpr const char* kActor = "cli";

// Thrown inside the write transaction to roll a dry run back.
struct DryRun {};

void check_customer(DataDir& dir, const std::string& customer) {
  if (!store::CustomerStore(dir.db).exists(customer))
    throw std::runtime_error("unknown customer '" + customer + "'");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Beside the target, then renamed over it: a reader never sees half a file.
void write_file(const std::string& path, const std::string& text) {
  const auto temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size())).flush())
      throw std::runtime_error("cannot write " + temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw std::runtime_error("cannot write " + path + ": " + ec.message());
}

std::vector<admin::PublishTarget> targets_of(const std::vector<std::string>& profiles) {
  std::vector<admin::PublishTarget> targets;
  for (const auto& profile : profiles)
    targets.push_back(profile == "all" ? std::nullopt : admin::PublishTarget(profile));
  return targets;
}

}  // namespace

void workflow_export(DataDir& dir, const WorkflowScope& scope, const std::string& path,
                     std::ostream& out, std::ostream& err) {
  check_customer(dir, scope.customer);
  store::SqlStore store(dir.db);
  std::optional<admin::Exported> exported;
  store.read([&](store::Repositories& repos) {
    exported = admin::export_workflows(repos, scope.customer, scope.crm_id);
  });
  if (!exported)
    throw std::runtime_error("customer '" + scope.customer + "' has no instance '" + scope.crm_id +
                             "'");
  for (const auto& warning : exported->warnings)
    err << "popflow-connect: warning: " << warning << "\n";
  const auto text = admin::write_workflow_file(exported->file);
  if (path == "-") {
    out << text;
    return;
  }
  write_file(path, text);
  out << "exported " << exported->file.workflows.size() << " workflows of '" << scope.crm_id
      << "' to " << path << "\n";
}

void workflow_import(DataDir& dir, const WorkflowScope& scope, const std::string& path,
                     bool dry_run, const Config& config, std::ostream& out) {
  check_customer(dir, scope.customer);
  auto file = admin::parse_workflow_file(read_file(path));
  if (!file) throw std::runtime_error(path + ": " + file.error().message);
  if (file->instance.crm_id != scope.crm_id)
    throw std::runtime_error(path + " holds instance '" + file->instance.crm_id + "', not '" +
                             scope.crm_id + "': pass --instance " + file->instance.crm_id +
                             ", or change instance.crmId in the file");
  store::SqlStore store(dir.db);
  admin::ImportReport report;
  try {
    store.write([&](store::Repositories& repos) {
      auto result =
          admin::import_workflows(repos, scope.customer, *file, config, kActor, unix_now() * 1000);
      if (!result) throw std::runtime_error(path + ": " + result.error().message);
      report = std::move(*result);
      if (dry_run) throw DryRun{};
    });
  } catch (const DryRun&) {
  }
  for (const auto& change : report.changes) out << change << "\n";
  if (report.changes.empty())
    out << "nothing changed\n";
  else if (report.unchanged_workflows > 0)
    out << "unchanged: " << report.unchanged_workflows
        << (report.unchanged_workflows == 1 ? " workflow\n" : " workflows\n");
  for (const auto& note : report.notes) out << "note: " << note << "\n";
  if (dry_run) out << "dry run: nothing was written\n";
}

void workflow_publish(DataDir& dir, const WorkflowScope& scope, const PublishRequest& request,
                      std::ostream& out) {
  check_customer(dir, scope.customer);
  store::SqlStore store(dir.db);
  std::vector<std::string> lines;
  store.write([&](store::Repositories& repos) {
    const auto targets = targets_of(request.profiles);
    const auto now_ms = unix_now() * 1000;
    auto result = request.unpublish
                      ? admin::unpublish_named(repos, scope.customer, scope.crm_id, request.name,
                                               targets, kActor, now_ms)
                      : admin::publish_named(repos, scope.customer, scope.crm_id, request.name,
                                             request.version, targets, kActor, now_ms);
    if (!result) throw std::runtime_error(result.error().message);
    lines = std::move(*result);
  });
  for (const auto& line : lines) out << line << "\n";
}

}  // namespace popflow::app
