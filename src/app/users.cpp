#include "app/users.hpp"

#include <boost/json/serialize.hpp>
#include <iomanip>
#include <iostream>
#include <stdexcept>

#include "admin/names.hpp"
#include "admin/password.hpp"
#include "core/time.hpp"
#include "store/customer_store.hpp"
#include "store/sql_store.hpp"

namespace popflow::app {
namespace {

std::string user_json(const store::User& user) {
  return boost::json::serialize(boost::json::object{
      {"user", user.name},
      {"role", to_string(user.role)},
      {"customer", user.customer_id ? boost::json::value(*user.customer_id) : nullptr}});
}

void audit(store::Repositories& repos, const store::User& user, std::string action,
           std::string before, std::string after) {
  repos.audit.append({0, user.customer_id.value_or(""), unix_now() * 1000, "cli", std::move(action),
                      "user:" + user.name, std::move(before), std::move(after)});
}

}  // namespace

void user_add(DataDir& dir, const UserRequest& request, std::istream& in, std::ostream& out) {
  if (auto problem = admin::name_problem(request.name, "NAME"))
    throw std::runtime_error(problem->message);
  if (request.operator_ == request.customer.has_value())
    throw std::runtime_error("give either --customer ID or --operator");
  store::User user;
  user.name = request.name;
  user.customer_id = request.customer;
  if (request.operator_) {
    user.role = store::Role::owner;
  } else {
    const auto role = store::role_from(request.role);
    if (!role)
      throw std::runtime_error("unknown role '" + request.role +
                               "': use owner, admin, designer or viewer");
    user.role = *role;
    if (!store::CustomerStore(dir.db).exists(*request.customer))
      throw std::runtime_error("unknown customer '" + *request.customer + "'");
  }
  std::string password;
  if (request.password_stdin) {
    std::getline(in, password);
    if (auto problem = admin::password_problem(password, request.name))
      throw std::runtime_error("password refused: " + *problem);
  } else {
    password = admin::generate_password();
  }
  user.password_hash = admin::hash_password(password);
  user.created_at = unix_now();
  store::SqlStore store(dir.db);
  store.write([&](store::Repositories& repos) {
    if (repos.users.user(user.name))
      throw std::runtime_error("user '" + user.name + "' already exists");
    repos.users.insert_user(user);
    audit(repos, user, "user.create", "", user_json(user));
  });
  if (!request.password_stdin) out << password << "\n";
}

void user_list(DataDir& dir, const std::optional<std::string>& customer, std::ostream& out) {
  store::SqlStore store(dir.db);
  std::vector<store::User> users;
  store.read([&](store::Repositories& repos) { users = repos.users.users(customer); });
  out << std::left << std::setw(24) << "USER" << std::setw(20) << "CUSTOMER" << std::setw(10)
      << "ROLE"
      << "LAST SIGN-IN\n";
  for (const auto& user : users)
    out << std::setw(24) << user.name << std::setw(20) << user.customer_id.value_or("(operator)")
        << std::setw(10) << to_string(user.role)
        << (user.last_login_at
                ? format_iso8601_ms(SystemTime(std::chrono::seconds(*user.last_login_at)))
                : std::string("never"))
        << "\n";
}

void user_remove(DataDir& dir, const std::string& name, std::ostream&) {
  store::SqlStore store(dir.db);
  store.write([&](store::Repositories& repos) {
    const auto user = repos.users.user(name);
    if (!user) throw std::runtime_error("no user '" + name + "': see 'user list'");
    repos.users.remove_user(name);
    audit(repos, *user, "user.remove", user_json(*user), "");
  });
}

}  // namespace popflow::app
