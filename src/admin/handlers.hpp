#pragma once
// The admin API's handlers, by resource; admin_routes.cpp maps them to routes and
// permissions. Each runs on the store thread inside its transaction (admin_call.hpp).
#include "admin/admin_call.hpp"

namespace popflow::admin {

// instances_api.cpp: instances, profiles, the agent directory, events.
Checked<Reply> list_instances(AdminCall& call);
Checked<Reply> create_instance(AdminCall& call);
Checked<Reply> get_instance(AdminCall& call);
Checked<Reply> patch_instance(AdminCall& call);
Checked<Reply> delete_instance(AdminCall& call);
Checked<Reply> list_profiles(AdminCall& call);
Checked<Reply> add_profile(AdminCall& call);
Checked<Reply> delete_profile(AdminCall& call);
Checked<Reply> list_agents(AdminCall& call);
Checked<Reply> put_agent(AdminCall& call);
Checked<Reply> delete_agent(AdminCall& call);
Checked<Reply> list_events(AdminCall& call);
Checked<Reply> add_event(AdminCall& call);
Checked<Reply> patch_event(AdminCall& call);  // description, staleAfter
Checked<Reply> delete_event(AdminCall& call);

// workflows_api.cpp: workflows, versions, publishing.
Checked<Reply> list_workflows(AdminCall& call);
Checked<Reply> create_workflow(AdminCall& call);
Checked<Reply> get_workflow(AdminCall& call);
Checked<Reply> put_workflow(AdminCall& call);
Checked<Reply> delete_workflow(AdminCall& call);
Checked<Reply> freeze_version(AdminCall& call);
Checked<Reply> publish_workflow(AdminCall& call);
Checked<Reply> unpublish_workflow(AdminCall& call);
Checked<Reply> list_publications(AdminCall& call);
Checked<Reply> validate_workflow(AdminCall& call);

// keys_api.cpp: API keys and client tokens.
Checked<Reply> list_keys(AdminCall& call);
Checked<Reply> create_key(AdminCall& call);
Checked<Reply> revoke_key(AdminCall& call);
Checked<Reply> rotate_key(AdminCall& call);
Checked<Reply> key_audit(AdminCall& call);

// audit_api.cpp
Checked<Reply> list_audit(AdminCall& call);

// triggers_api.cpp: trigger search, timelines and test triggers.
Checked<Reply> list_triggers(AdminCall& call);
Checked<Reply> get_trigger(AdminCall& call);
Checked<Reply> send_test_trigger(AdminCall& call);

// online_api.cpp: the customer's agents connected now.
Checked<Reply> list_online(AdminCall& call);
// users_api.cpp: the customer's console users.
Checked<Reply> list_users(AdminCall& call);
Checked<Reply> add_user(AdminCall& call);
Checked<Reply> patch_user(AdminCall& call);  // role, password
Checked<Reply> remove_user(AdminCall& call);

// customers_api.cpp: the installation's customers, for operators.
Checked<Reply> list_customers(AdminCall& call);
Checked<Reply> add_customer(AdminCall& call);
Checked<Reply> patch_customer(AdminCall& call);  // name, disabled

// activity_api.cpp: the customer's last hour, minute by minute.
Checked<Reply> get_activity(AdminCall& call);

}  // namespace popflow::admin
