// popflow-connect: the server and its admin commands (CONTRACT "One binary").
// The one place that wires concrete types together: parses the command line and hands
// each command its store, secret and configuration.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "app/admin.hpp"
#include "app/serve.hpp"
#include "app/sessions.hpp"
#include "app/users.hpp"
#include "app/workflows_cli.hpp"
#include "core/config.hpp"
#include "core/log.hpp"

namespace {

using namespace popflow;

std::string from_env(const char* name, const char* fallback) {
  const char* env = std::getenv(name);
  return env && *env ? env : fallback;
}

// CLI11 reports `popflow-connect bogus` and `key bogus` only as "A subcommand is required":
// find the word it did not know, walking the command tree the way CLI11 does.
std::optional<std::string> unknown_command(CLI::App& cli, int argc, char** argv) {
  CLI::App* level = &cli;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-dir" || arg == "--store") {
      ++i;  // its value
      continue;
    }
    if (arg.starts_with("-")) continue;
    std::string names;
    CLI::App* next = nullptr;
    for (auto* sub : level->get_subcommands([](CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      if (sub->check_name(arg)) next = sub;
    }
    if (!next) return "unknown command '" + path + arg + "': use one of " + names + " (see --help)";
    if (next->get_require_subcommand_min() == 0) return std::nullopt;
    level = next;
    path += arg + " ";
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"popflow-connect: real-time trigger hub for contact centers", "popflow-connect"};
  cli.require_subcommand(1);
  cli.fallthrough();
  std::string data_dir = from_env("POPFLOW_DATA_DIR", "./data");
  auto* data_dir_flag = cli.add_option("--data-dir", data_dir,
                                       "SQLite store, session journal and signing secret (env "
                                       "POPFLOW_DATA_DIR)");
  std::string store = from_env("POPFLOW_STORE", "sqlite");
  auto* store_flag = cli.add_option(
      "--store", store,
      "sqlite, or a PostgreSQL URL several nodes share: postgresql://user@host:port/db (env "
      "POPFLOW_STORE)");

  // serve: every setting is also a flag (--max-body-bytes ...); only those given override.
  auto* serve_cmd = cli.add_subcommand("serve", "run the server");
  std::string config_file;
  serve_cmd->add_option("--config", config_file, "TOML config file");
  std::map<std::string, std::string> flag_values;
  std::map<std::string, bool> switch_values;  // boolean settings: --access-log[=false]
  std::map<std::string, CLI::Option*> flag_options;
  const Config defaults;
  for (const auto& setting : settings()) {
    if (setting.key == "data_dir" || setting.key == "store") continue;  // global flags
    const std::string key(setting.key);
    const auto help = std::string(setting.help) + " [" + setting.show(defaults) + "; env " +
                      env_name(setting.key) + "]";
    const bool is_switch = setting.show(defaults) == "true" || setting.show(defaults) == "false";
    flag_options[key] = is_switch
                            ? serve_cmd->add_flag(flag_name(setting.key), switch_values[key], help)
                            : serve_cmd->add_option(flag_name(setting.key), flag_values[key], help);
  }

  auto* customer_cmd = cli.add_subcommand("customer", "manage customers")->require_subcommand(1);
  std::string customer_id, customer_name;
  auto* customer_add = customer_cmd->add_subcommand("add", "add a customer");
  customer_add->add_option("ID", customer_id, "[A-Za-z0-9._-]{1,64}")->required();
  customer_add->add_option("--name", customer_name, "display name");
  auto* customer_list = customer_cmd->add_subcommand("list", "list customers");

  auto* key_cmd = cli.add_subcommand("key", "manage API keys")->require_subcommand(1);
  admin::KeyRequest key_request;
  std::string scope_text = "cti,crm", expires_text, grace_text, key_id;
  std::optional<std::string> list_customer;
  auto* key_create = key_cmd->add_subcommand("create", "issue an API key (printed alone)");
  key_create->add_option("--customer", key_request.customer, "customer ID")->required();
  key_create->add_option("--scope", scope_text, "cti, crm or cti,crm");
  key_create->add_option("--crm-id", key_request.crm_ids,
                         "allowed CRM ID (repeatable; default any)");
  key_create->add_option("--expires", expires_text, "lifetime like 90d, 12h, 30s (default none)");
  key_create->add_option("--label", key_request.label, "free text shown by key list");
  auto* key_list = key_cmd->add_subcommand("list", "list keys and tokens");
  key_list->add_option("--customer", list_customer, "only this customer's");
  auto* key_revoke = key_cmd->add_subcommand("revoke", "revoke a key or token");
  key_revoke->add_option("KEY_ID", key_id)->required();
  auto* key_rotate = key_cmd->add_subcommand("rotate", "replace a key; revoke the old one");
  key_rotate->add_option("KEY_ID", key_id)->required();
  key_rotate->add_option("--grace", grace_text, "keep the old key valid this long (default 0)");

  auto* token_cmd = cli.add_subcommand("token", "manage client tokens")->require_subcommand(1);
  admin::KeyRequest token_request;
  token_request.kind = store::KeyKind::client_token;
  token_request.scope.clear();
  std::string token_expires;
  bool admin_token = false;
  auto* token_create = token_cmd->add_subcommand(
      "create", "issue a client token, or with --admin an admin API token (printed alone)");
  token_create->add_option("--customer", token_request.customer, "customer ID")->required();
  auto* agent_flag =
      token_create->add_option("--agent", token_request.agent, "limit to this agent's topics");
  token_create
      ->add_flag("--admin", admin_token, "a token for the admin API (automation), not a client")
      ->excludes(agent_flag);
  token_create->add_option("--expires", token_expires, "lifetime like 12h (default none)");
  token_create->add_option("--label", token_request.label, "free text shown by key list");

  auto* store_cmd = cli.add_subcommand("store", "the store itself")->require_subcommand(1);
  auto* store_import = store_cmd->add_subcommand(
      "import",
      "copy the data dir's SQLite store and signing secret into the empty PostgreSQL "
      "store --store names, for several nodes");

  auto* session_cmd =
      cli.add_subcommand("session", "persistent MQTT sessions in the store")->require_subcommand(1);
  auto* session_list = session_cmd->add_subcommand("list", "list persistent sessions");
  broker::SessionFilter session_filter;
  bool purge_all = false;
  auto* session_purge = session_cmd->add_subcommand(
      "purge", "end persistent sessions (a running server drops them within a second)");
  session_purge->add_option("--customer", session_filter.customer, "sessions of this customer");
  session_purge->add_option("--agent", session_filter.agent, "sessions of this agent's tokens");
  session_purge->add_option("--client-id", session_filter.client_id, "sessions of this client id");
  session_purge->add_option("--token", session_filter.token_id, "sessions of this token (key id)");
  session_purge->add_flag("--all", purge_all, "every session");

  auto* user_cmd = cli.add_subcommand("user", "manage console users")->require_subcommand(1);
  app::UserRequest user_request;
  auto* user_add = user_cmd->add_subcommand(
      "add", "add a console user (prints a generated password unless --password-stdin)");
  user_add->add_option("NAME", user_request.name, "the name to sign in with")->required();
  auto* user_customer =
      user_add->add_option("--customer", user_request.customer, "the customer it belongs to");
  user_add->add_option("--role", user_request.role, "owner, admin, designer or viewer")
      ->needs(user_customer);
  user_add->add_flag("--operator", user_request.operator_, "manages every customer")
      ->excludes(user_customer);
  user_add->add_flag("--password-stdin", user_request.password_stdin,
                     "read the password from stdin's first line");
  std::optional<std::string> user_list_customer;
  auto* user_list = user_cmd->add_subcommand("list", "list console users");
  user_list->add_option("--customer", user_list_customer, "only this customer's");
  std::string user_name;
  auto* user_remove = user_cmd->add_subcommand("remove", "remove a console user");
  user_remove->add_option("NAME", user_name)->required();

  auto* workflow_cmd =
      cli.add_subcommand("workflow", "workflows as files kept in git (configuration as code)")
          ->require_subcommand(1);
  app::WorkflowScope workflow_scope;
  std::string workflow_file;
  const auto scoped = [&](CLI::App* command) {
    command->add_option("--customer", workflow_scope.customer, "customer ID")->required();
    command->add_option("--instance", workflow_scope.crm_id, "the instance's CRM ID")->required();
  };
  auto* workflow_export =
      workflow_cmd->add_subcommand("export", "write an instance's workflows to a file");
  workflow_export->add_option("FILE", workflow_file, "the file, or - for stdout")->required();
  scoped(workflow_export);
  bool dry_run = false;
  auto* workflow_import = workflow_cmd->add_subcommand(
      "import", "make an instance what a file says (one transaction; prints each change)");
  workflow_import->add_option("FILE", workflow_file)->required();
  scoped(workflow_import);
  workflow_import->add_flag("--dry-run", dry_run, "report the changes, write nothing");
  app::PublishRequest publish_request;
  auto* workflow_publish = workflow_cmd->add_subcommand(
      "publish", "publish a workflow's draft (frozen as a version when needed) or a version");
  workflow_publish->add_option("NAME", publish_request.name, "the workflow's name")->required();
  scoped(workflow_publish);
  auto* version_flag =
      workflow_publish->add_option("--version", publish_request.version, "this version");
  workflow_publish->add_option("--profile", publish_request.profiles,
                               "profile name or all (repeatable; default all)");
  workflow_publish
      ->add_flag("--unpublish", publish_request.unpublish,
                 "remove its publications (to --profile, or all of them)")
      ->excludes(version_flag);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, as for every other error (CLI11 would add a second).
    if (const auto unknown = unknown_command(cli, argc, argv))
      std::cerr << "popflow-connect: " << *unknown << "\n";
    else
      std::cerr << "popflow-connect: " << e.what() << " (see --help)\n";
    return e.get_exit_code() ? e.get_exit_code() : 2;
  }

  try {
    if (serve_cmd->parsed()) {
      ConfigSources sources;
      if (!config_file.empty()) sources.file = config_file;
      sources.getenv = [](const char* name) { return std::getenv(name); };
      for (const auto& [key, option] : flag_options)
        if (option->count() > 0)
          sources.flags[key] = switch_values.contains(key) ? (switch_values[key] ? "true" : "false")
                                                           : flag_values[key];
      if (data_dir_flag->count() > 0) sources.flags["data_dir"] = data_dir;
      if (store_flag->count() > 0) sources.flags["store"] = store;
      const auto config = load_config(sources);
      log::init(config.log_level);
      return app::serve(config);
    }
    if (store_import->parsed()) {
      app::store_import(data_dir, store, std::cout);
      return 0;
    }
    app::DataDir dir(data_dir, store);
    if (customer_add->parsed()) app::customer_add(dir, customer_id, customer_name, std::cout);
    if (customer_list->parsed()) app::customer_list(dir, std::cout);
    if (key_create->parsed()) {
      key_request.scope.clear();
      for (auto item : CLI::detail::split(scope_text, ','))
        if (!item.empty()) key_request.scope.push_back(item);
      if (!expires_text.empty())
        key_request.lifetime = app::duration_flag("--expires", expires_text);
      std::cout << admin::issue(dir.db, dir.secret, key_request) << "\n";
    }
    if (key_list->parsed()) app::key_list(dir, list_customer, std::cout);
    if (key_revoke->parsed()) app::key_revoke(dir, key_id, std::cout);
    if (key_rotate->parsed()) {
      const auto grace = grace_text.empty() || grace_text == "0"
                             ? std::chrono::seconds(0)
                             : app::duration_flag("--grace", grace_text);
      std::cout << admin::rotate(dir.db, dir.secret, key_id, grace) << "\n";
    }
    if (token_create->parsed()) {
      if (!token_expires.empty())
        token_request.lifetime = app::duration_flag("--expires", token_expires);
      if (admin_token) token_request.kind = store::KeyKind::admin_token;
      std::cout << admin::issue(dir.db, dir.secret, token_request) << "\n";
    }
    if (user_add->parsed()) app::user_add(dir, user_request, std::cin, std::cout);
    if (user_list->parsed()) app::user_list(dir, user_list_customer, std::cout);
    if (user_remove->parsed()) app::user_remove(dir, user_name, std::cout);
    if (workflow_export->parsed())
      app::workflow_export(dir, workflow_scope, workflow_file, std::cout, std::cerr);
    if (workflow_import->parsed()) {
      ConfigSources sources;  // definition limits from POPFLOW_WORKFLOW_MAX_* as for serve
      sources.getenv = [](const char* name) { return std::getenv(name); };
      app::workflow_import(dir, workflow_scope, workflow_file, dry_run, load_config(sources),
                           std::cout);
    }
    if (workflow_publish->parsed())
      app::workflow_publish(dir, workflow_scope, publish_request, std::cout);
    if (session_list->parsed()) app::session_list(dir, std::cout);
    if (session_purge->parsed()) app::session_purge(dir, session_filter, purge_all, std::cout);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "popflow-connect: " << e.what() << "\n";
    return 1;
  }
}
