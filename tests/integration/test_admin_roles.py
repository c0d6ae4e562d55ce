"""Who may do what on the admin API (src/admin/caller.hpp's table) and that one customer's
callers never see another's (CONTRACT "Admin API"). The route table below lists every route
admin_routes.cpp registers; a new route without a row here fails test_the_table_covers_every_route."""
import unittest

from admin_fixture import AdminTest, Caller, add_user, admin_token, definition, registered_routes, sign_in

# (method, route pattern, body, parameters that differ from the fixture's, permission).
# Ordered so that a caller allowed everything succeeds at each step: creates before deletes.
ROUTES = [
    ("GET", "/api/admin/instances", None, {}, "read"),
    ("POST", "/api/admin/instances", {"crmId": "{crmId}-new"}, {}, "configure"),
    ("GET", "/api/admin/instances/{crmId}", None, {}, "read"),
    ("PATCH", "/api/admin/instances/{crmId}", {"name": "patched"}, {}, "configure"),
    ("DELETE", "/api/admin/instances/{crmId}", None, {"crmId": "{crmId}-new"}, "configure"),
    ("GET", "/api/admin/instances/{crmId}/profiles", None, {}, "read"),
    ("POST", "/api/admin/instances/{crmId}/profiles", {"name": "Extra"}, {}, "configure"),
    ("DELETE", "/api/admin/instances/{crmId}/profiles/{name}", None, {"name": "Extra"}, "configure"),
    ("GET", "/api/admin/instances/{crmId}/agents", None, {}, "read"),
    ("POST", "/api/admin/instances/{crmId}/agents", {"agentId": "ag1", "profile": "Tier 1"}, {}, "configure"),
    ("DELETE", "/api/admin/instances/{crmId}/agents/{agentId}", None, {"agentId": "ag1"}, "configure"),
    ("GET", "/api/admin/instances/{crmId}/events", None, {}, "read"),
    ("POST", "/api/admin/instances/{crmId}/events", {"name": "Extra Event"}, {}, "design"),
    ("PATCH", "/api/admin/instances/{crmId}/events/{name}", {"staleAfter": 10}, {"name": "Extra%20Event"}, "design"),
    ("DELETE", "/api/admin/instances/{crmId}/events/{name}", None, {"name": "Extra%20Event"}, "design"),
    ("GET", "/api/admin/instances/{crmId}/publications", None, {}, "read"),
    ("GET", "/api/admin/instances/{crmId}/workflows", None, {}, "read"),
    ("POST", "/api/admin/instances/{crmId}/workflows",
     {"name": "another", "event": "On Answer", "definition": definition()}, {}, "design"),
    ("POST", "/api/admin/workflows/validate", {"definition": definition()}, {}, "read"),
    ("GET", "/api/admin/workflows/{id}", None, {}, "read"),
    ("PUT", "/api/admin/workflows/{id}", {"definition": definition("edited")}, {}, "design"),
    ("POST", "/api/admin/workflows/{id}/versions", {}, {}, "design"),
    ("POST", "/api/admin/workflows/{id}/publish", {"version": 1, "profiles": "all"}, {}, "design"),
    ("DELETE", "/api/admin/workflows/{id}/publish", None, {}, "design"),
    ("DELETE", "/api/admin/workflows/{id}", None, {}, "design"),
    ("GET", "/api/admin/keys", None, {}, "manage_keys"),
    ("POST", "/api/admin/keys", {"label": "made by a role", "scope": ["crm"]}, {}, "manage_keys"),
    ("GET", "/api/admin/keys/{id}/audit", None, {"id": "{key}"}, "manage_keys"),
    ("POST", "/api/admin/keys/{id}/rotate", {"grace": "1h"}, {"id": "{key}"}, "manage_keys"),
    ("POST", "/api/admin/keys/{id}/revoke", {}, {"id": "{key}"}, "manage_keys"),
    ("GET", "/api/admin/audit", None, {}, "read"),
    ("GET", "/api/admin/users", None, {}, "manage_users"),
    ("POST", "/api/admin/users", {"name": "user-{crmId}", "role": "viewer"}, {}, "manage_users"),
    ("PATCH", "/api/admin/users/{name}", {"role": "designer"}, {"name": "user-{crmId}"}, "manage_users"),
    ("DELETE", "/api/admin/users/{name}", None, {"name": "user-{crmId}"}, "manage_users"),
    ("GET", "/api/admin/customers", None, {}, "operate"),
    ("POST", "/api/admin/customers", {"id": "c-{crmId}"}, {}, "operate"),
    ("PATCH", "/api/admin/customers/{id}", {"name": "renamed"}, {"id": "c-{crmId}"}, "operate"),
    ("GET", "/api/admin/activity", None, {}, "read"),
    ("GET", "/api/admin/online", None, {}, "read"),
    ("GET", "/api/admin/triggers", None, {}, "read"),
    ("GET", "/api/admin/triggers/{id}", None, {"id": "{trigger}"}, "read"),
    ("POST", "/api/admin/test-trigger", {"channel": "CTI", "agentId": "1001", "event": "On Ring"},
     {}, "design"),
]

ALLOWED = {
    "viewer": {"read"},
    "designer": {"read", "design"},
    "admin": {"read", "design", "configure", "manage_keys", "manage_users"},
    "owner": {"read", "design", "configure", "manage_keys", "manage_users"},
}


class Roles(AdminTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.callers = {}
        for role in ALLOWED:
            add_user(cls.server, "acme-" + role, "acme", role)
            cls.callers[role] = sign_in(cls.server, "acme-" + role)[1]
        cls.callers["admin token"] = cls.admin
        cls.operator_password = add_user(cls.server, "root")
        cls.callers["operator"] = sign_in(cls.server, "root", cls.operator_password)[1]

    def test_the_table_covers_every_route(self):
        table = {(method, pattern) for method, pattern, *_ in ROUTES}
        registered = registered_routes()
        self.assertGreaterEqual(len(registered), 30)
        self.assertEqual(registered - table, set(), "routes without a row in ROUTES")
        self.assertEqual(table - registered, set(), "rows in ROUTES for routes that do not exist")

    def fixture(self, tag):
        """Fresh objects for one caller to act on: an instance with a profile, a workflow, a key."""
        crm_id = "role-" + tag.replace(" ", "-")
        self.make_instance(crm_id)
        self.admin.post(f"/api/admin/instances/{crm_id}/profiles", {"name": "Tier 1"})
        workflow = self.make_workflow(crm_id, "ring")
        key = self.admin.post("/api/admin/keys", {"scope": ["crm"]}).json()["id"]
        trigger = self.admin.post("/api/admin/test-trigger",
                                  {"channel": "CTI", "agentId": "1001", "event": "On Ring"}).json()["id"]
        return {"crmId": crm_id, "id": workflow["id"], "key": key, "name": "", "agentId": "",
                "trigger": trigger}

    def path_of(self, pattern, overrides, context, customer_query):
        values = dict(context)
        for name, value in overrides.items():
            values[name] = value.format(**context)
        path = pattern.format(**values)
        return path + ("?customer=acme" if customer_query else "")

    def body_of(self, body, context):
        if body is None:
            return None
        return {k: (v.format(**context) if isinstance(v, str) and "{" in v and k != "title" else v)
                for k, v in body.items()}

    def check_role(self, tag, allowed):
        caller = self.callers[tag]
        context = self.fixture(tag)
        for method, pattern, body, overrides, permission in ROUTES:
            path = self.path_of(pattern, overrides, context, tag == "operator")
            with self.subTest(caller=tag, method=method, route=pattern):
                r = caller.call(method, path, self.body_of(body, context))
                if permission in allowed:
                    self.assertIn(r.status, (200, 201, 204), r)
                else:
                    problem = self.assertProblem(r, 403, "role_denied")
                    role = tag if tag in ALLOWED else "admin"
                    self.assertIn(f"the {role} role may not", problem["message"])

    def test_a_viewer_reads_everything_and_writes_nothing(self):
        self.check_role("viewer", ALLOWED["viewer"])

    def test_a_designer_changes_workflows_events_and_publications_only(self):
        self.check_role("designer", ALLOWED["designer"])

    def test_an_admin_may_do_everything(self):
        self.check_role("admin", ALLOWED["admin"])

    def test_an_owner_may_do_everything(self):
        self.check_role("owner", ALLOWED["owner"])

    def test_an_admin_token_acts_as_an_admin(self):
        self.check_role("admin token", ALLOWED["admin"])

    def test_an_operator_acts_as_owner_of_the_customer_named(self):
        self.check_role("operator", ALLOWED["owner"] | {"operate"})

    def test_a_designer_may_not_see_keys(self):
        # Listing keys shows who may trigger for the customer: manage_keys, not read.
        r = self.callers["designer"].get("/api/admin/keys")
        self.assertProblem(r, 403, "role_denied", message_has="admin role")

    def test_the_audit_log_names_each_caller(self):
        actors = {e["actor"] for e in self.admin.get("/api/admin/audit?limit=500").json()["entries"]}
        self.assertIn("user:acme-designer", actors)
        self.assertTrue(any(a.startswith("token:") for a in actors), actors)


class CrossCustomer(AdminTest):
    """Customer acme's callers against customer globex's ids: 404, as if they did not exist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.globex = admin_token(cls.server, "globex")
        cls.globex.post("/api/admin/instances", {"crmId": "gx"})
        cls.globex.post("/api/admin/instances", {"crmId": "shared", "name": "globex's"})
        cls.admin.post("/api/admin/instances", {"crmId": "shared", "name": "acme's"})
        r = cls.globex.post("/api/admin/instances/gx/workflows",
                            {"name": "secret", "event": "On Ring", "definition": definition()})
        cls.gx_workflow = r.json()["id"]
        cls.gx_key = cls.globex.post("/api/admin/keys", {"scope": ["crm"]}).json()["id"]
        add_user(cls.server, "acme-owner", "acme", "owner")
        cls.acme_user = sign_in(cls.server, "acme-owner")[1]
        cls.operator = sign_in(cls.server, "op", add_user(cls.server, "op"))[1]

    def test_another_customers_ids_are_404_not_403(self):
        gw, gk = self.gx_workflow, self.gx_key
        probes = [("GET", "/api/admin/instances/gx", None), ("PATCH", "/api/admin/instances/gx", {"name": "x"}),
                  ("DELETE", "/api/admin/instances/gx", None),
                  ("GET", "/api/admin/instances/gx/profiles", None),
                  ("POST", "/api/admin/instances/gx/events", {"name": "x"}),
                  ("GET", "/api/admin/instances/gx/workflows", None),
                  ("GET", "/api/admin/instances/gx/publications", None),
                  ("GET", f"/api/admin/workflows/{gw}", None),
                  ("PUT", f"/api/admin/workflows/{gw}", {"definition": definition()}),
                  ("POST", f"/api/admin/workflows/{gw}/versions", {}),
                  ("DELETE", f"/api/admin/workflows/{gw}", None),
                  ("POST", f"/api/admin/keys/{gk}/revoke", {}), ("POST", f"/api/admin/keys/{gk}/rotate", {}),
                  ("GET", f"/api/admin/keys/{gk}/audit", None)]
        for who, caller in [("admin token", self.admin), ("user", self.acme_user)]:
            for method, path, body in probes:
                with self.subTest(caller=who, method=method, path=path):
                    self.assertProblem(caller.call(method, path, body), 404, "not_found")
        # Nothing of globex's changed, and nothing of it shows in acme's lists.
        self.assertEqual(self.globex.get(f"/api/admin/workflows/{gw}").json()["versions"], [])
        self.assertIsNone(self.globex.get("/api/admin/keys").json()["keys"][0]["revokedAt"])
        self.assertNotIn(gk, str(self.admin.get("/api/admin/keys").json()))
        self.assertNotIn("gx", [i["crmId"] for i in self.admin.get("/api/admin/instances").json()["instances"]])
        self.assertNotIn("globex", str(self.admin.get("/api/admin/audit").json()))

    def test_the_same_crm_id_in_two_customers_is_two_instances(self):
        self.assertEqual(self.admin.get("/api/admin/instances/shared").json()["name"], "acme's")
        self.assertEqual(self.globex.get("/api/admin/instances/shared").json()["name"], "globex's")

    def test_naming_another_customer_is_403_customer_denied(self):
        for who, caller in [("admin token", self.admin), ("user", self.acme_user)]:
            for method, path, body in [("GET", "/api/admin/instances?customer=globex", None),
                                       ("POST", "/api/admin/instances?customer=globex", {"crmId": "sneaky"}),
                                       ("GET", "/api/admin/keys?customer=globex", None)]:
                with self.subTest(caller=who, method=method, path=path):
                    self.assertProblem(caller.call(method, path, body), 403, "customer_denied", field="customer")
        self.assertProblem(self.globex.get("/api/admin/instances/sneaky"), 404, "not_found")
        # Naming one's own customer is fine.
        self.assertEqual(self.admin.get("/api/admin/instances?customer=acme").status, 200)

    def test_an_operator_must_name_the_customer(self):
        self.assertProblem(self.operator.get("/api/admin/instances"), 400, "missing_field", field="customer")
        self.assertProblem(self.operator.post("/api/admin/instances", {"crmId": "x"}), 400, "missing_field",
                           field="customer")
        self.assertProblem(self.operator.get("/api/admin/instances?customer=initech"), 404, "unknown_customer",
                           field="customer")

    def test_an_operator_acts_on_both_customers(self):
        for customer in ["acme", "globex"]:
            with self.subTest(customer=customer):
                r = self.operator.post(f"/api/admin/instances?customer={customer}", {"crmId": "by-op"})
                self.assertEqual(r.status, 201, r)
        self.assertEqual(self.admin.get("/api/admin/instances/by-op").status, 200)
        self.assertEqual(self.globex.get("/api/admin/instances/by-op").status, 200)
        r = self.operator.get(f"/api/admin/workflows/{self.gx_workflow}?customer=globex")
        self.assertEqual(r.json()["name"], "secret")
        self.assertProblem(self.operator.get(f"/api/admin/workflows/{self.gx_workflow}?customer=acme"), 404,
                           "not_found")
        entries = self.globex.get("/api/admin/audit?target=instance:by-op").json()["entries"]
        self.assertEqual([e["actor"] for e in entries], ["user:op"])


if __name__ == "__main__":
    unittest.main()
