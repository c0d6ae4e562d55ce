"""The operators' side of the admin API: customers listed, added, renamed and disabled (every
credential of a disabled customer refused where it is used, open connections included, and
all of it back once enabled); console users given another role or a new password; and each
key's last use, kept across a restart."""
import unittest

from admin_fixture import AdminTest, add_user, admin_token, sign_in
from harness import Server, Sse, wait_until
from mqtt_clients import Mqtt

STRONG = "a-long-enough-pass-phrase-42"


def trigger(server, key, agent="1001"):
    return server.post_json("/api/sendmessage/CTI", {"jwt": key, "agentId": agent, "event": "On Ring"})


class Customers(AdminTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = sign_in(cls.server, "op", add_user(cls.server, "op"))[1]

    def test_an_operator_adds_and_renames_a_customer_and_its_audit_says_who(self):
        made = self.operator.post("/api/admin/customers", {"id": "initech", "name": "Initech"})
        self.assertEqual(made.status, 201, made)
        self.assertEqual((made.json()["id"], made.json()["name"], made.json()["disabledAt"], made.json()["users"]),
                         ("initech", "Initech", None, 0))
        self.assertProblem(self.operator.post("/api/admin/customers", {"id": "initech"}), 409, "already_exists",
                           field="id")
        self.assertProblem(self.operator.post("/api/admin/customers", {"id": "in itech"}), 400, "invalid_field",
                           field="id")
        self.assertProblem(self.operator.post("/api/admin/customers", {"id": "x", "plan": "gold"}), 400,
                           "unknown_field")
        renamed = self.operator.patch("/api/admin/customers/initech", {"name": "Initech Ltd"})
        self.assertEqual((renamed.status, renamed.json()["name"]), (200, "Initech Ltd"), renamed)
        self.assertProblem(self.operator.patch("/api/admin/customers/ghost", {"name": "x"}), 404, "not_found")
        ids = [c["id"] for c in self.operator.get("/api/admin/customers").json()["customers"]]
        self.assertEqual(ids, sorted(ids))
        self.assertTrue({"acme", "globex", "initech"} <= set(ids), ids)
        # The new customer is usable at once: an operator acts on it by name.
        self.assertEqual(self.operator.post("/api/admin/instances?customer=initech", {"crmId": "it"}).status, 201)
        audit = self.operator.get("/api/admin/audit?customer=initech").json()["entries"]
        done = [(e["action"], e["actor"]) for e in audit]
        self.assertIn(("customer.create", "user:op"), done)
        self.assertIn(("customer.rename", "user:op"), done)

    def test_nobody_but_an_operator_sees_the_customers(self):
        add_user(self.server, "cust-owner", customer="acme", role="owner")
        _, owner = sign_in(self.server, "cust-owner")
        for caller in (owner, self.admin):
            self.assertProblem(caller.get("/api/admin/customers"), 403, "role_denied", message_has="only operators")
            self.assertProblem(caller.patch("/api/admin/customers/globex", {"disabled": True}), 403, "role_denied")
        self.assertIsNone(self.globex_status()["disabledAt"])

    def globex_status(self):
        return next(c for c in self.operator.get("/api/admin/customers").json()["customers"] if c["id"] == "globex")


class DisabledCustomer(AdminTest):
    """Disabling globex refuses its key, token and users everywhere, leaves acme alone, and
    enabling it brings everything back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = sign_in(cls.server, "op", add_user(cls.server, "op"))[1]
        add_user(cls.server, "globex-admin", customer="globex", role="admin")

    def set_disabled(self, value):
        r = self.operator.patch("/api/admin/customers/globex", {"disabled": value})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["disabledAt"] is not None, value)

    def test_every_credential_is_refused_where_it_is_used_and_comes_back_when_enabled(self):
        token = self.server.live_token("globex", "--agent", "1001")
        globex_admin = admin_token(self.server, "globex")
        _, user = sign_in(self.server, "globex-admin")
        mqtt = Mqtt(self.server, token=token, client_id="gx-desk", clean=False, session_expiry=3600)
        mqtt.subscribe("CTI/globex/1001")
        sse = Sse(self.server, ["CTI/globex/1001"], token=token)
        self.assertEqual(trigger(self.server, self.globex_key).status, 200)
        mqtt.next_message()
        sse.next_message()

        self.set_disabled(True)
        r = trigger(self.server, self.globex_key)
        self.assertProblem(r, 403, "customer_disabled", message_has="operator can enable it")
        self.assertEqual(trigger(self.server, self.key).status, 200, "acme is not affected")
        # Connections opened before are closed within the 1 s recheck; new ones are refused.
        self.assertEqual(mqtt.disconnected(timeout=5), 135, "not authorized")
        mqtt.disconnect()  # no reconnecting in the background
        with self.assertRaises(EOFError):
            while True:
                sse.next_event()
        refused = Sse(self.server, ["CTI/globex/1001"], token=token)
        self.assertEqual(refused.status, 403, refused.error_body)
        self.assertIn("customer_disabled", refused.error_body)
        self.assertProblem(globex_admin.get("/api/admin/instances"), 403, "customer_disabled")
        self.assertProblem(user.get("/api/admin/instances"), 401, "session_expired")
        r, _ = sign_in(self.server, "globex-admin")
        self.assertProblem(r, 403, "customer_disabled")
        r, _ = sign_in(self.server, "globex-admin", "wrong password")
        self.assertProblem(r, 401, "bad_credentials")  # a guesser learns nothing
        # The operator still sees it, and its audit says who disabled it.
        self.assertEqual(self.operator.get("/api/admin/keys?customer=globex").status, 200)
        actions = [e["action"] for e in self.operator.get("/api/admin/audit?customer=globex").json()["entries"]]
        self.assertIn("customer.disable", actions)

        self.set_disabled(False)
        self.assertEqual(trigger(self.server, self.globex_key).status, 200)
        self.assertEqual(globex_admin.get("/api/admin/instances").status, 200)
        self.assertEqual(sign_in(self.server, "globex-admin")[0].status, 200)
        # The persistent session was kept: its queue holds the trigger sent while away.
        self.assertEqual(trigger(self.server, self.globex_key).status, 200)
        again = Mqtt(self.server, token=token, client_id="gx-desk", clean=False, session_expiry=3600)
        self.assertTrue(again.accepted)
        self.assertEqual(again.next_message().topic, "CTI/globex/1001")
        again.disconnect()
        sse.close()

    def test_a_body_that_is_not_a_boolean_is_refused_by_name(self):
        self.assertProblem(self.operator.patch("/api/admin/customers/globex", {"disabled": "yes"}), 400,
                           "invalid_field", field="disabled")
        self.assertProblem(self.operator.patch("/api/admin/customers/globex", {"name": " padded"}), 400,
                           "invalid_field", field="name")


class ChangingUsers(AdminTest):
    def test_an_owner_changes_a_role_and_resets_a_password_which_ends_the_users_sessions(self):
        add_user(self.server, "chg-owner", customer="acme", role="owner")
        add_user(self.server, "chg-dina", customer="acme", role="viewer")
        _, owner = sign_in(self.server, "chg-owner")
        _, dina = sign_in(self.server, "chg-dina")
        self.assertProblem(dina.post("/api/admin/instances/x/events", {"name": "e"}), 403, "role_denied")
        r = owner.patch("/api/admin/users/chg-dina", {"role": "designer"})
        self.assertEqual((r.status, r.json()["role"]), (200, "designer"), r)
        # The new role holds at the next request, in the session she has.
        self.assertEqual(dina.get("/api/admin/instances").status, 200)
        self.assertNotEqual(dina.post("/api/admin/instances/x/events", {"name": "e"}).status, 403)

        reset = owner.patch("/api/admin/users/chg-dina", {"resetPassword": True})
        self.assertEqual(reset.status, 200, reset)
        password = reset.json()["password"]
        self.assertProblem(dina.get("/api/admin/instances"), 401, "session_expired")
        self.assertEqual(sign_in(self.server, "chg-dina")[0].status, 401, "the old password no longer works")
        self.assertEqual(sign_in(self.server, "chg-dina", password)[0].status, 200)
        self.assertNotIn("password", str(owner.get("/api/admin/users").json()))

        chosen = owner.patch("/api/admin/users/chg-dina", {"password": STRONG})
        self.assertEqual(chosen.status, 200, chosen)
        self.assertNotIn("password", chosen.json(), "a password the caller gave is not echoed")
        self.assertEqual(sign_in(self.server, "chg-dina", STRONG)[0].status, 200)
        actions = [e["action"] for e in owner.get("/api/admin/audit?limit=50").json()["entries"]
                   if e["target"] == "user:chg-dina"]
        self.assertEqual(actions[:3], ["user.password", "user.password", "user.update"])
        self.assertNotIn(STRONG, str(owner.get("/api/admin/audit?limit=50").json()))

    def test_the_mistakes_an_admin_could_make(self):
        add_user(self.server, "chg-admin", customer="acme", role="admin")
        add_user(self.server, "chg-boss", customer="acme", role="owner")
        add_user(self.server, "chg-gx", customer="globex", role="viewer")
        add_user(self.server, "chg-vik", customer="acme", role="viewer")
        _, admin = sign_in(self.server, "chg-admin")
        self.assertProblem(admin.patch("/api/admin/users/chg-vik", {"role": "owner"}), 403, "role_denied", field="role")
        self.assertProblem(admin.patch("/api/admin/users/chg-boss", {"role": "viewer"}), 403, "role_denied")
        self.assertProblem(admin.patch("/api/admin/users/chg-admin", {"role": "viewer"}), 409, "self")
        self.assertProblem(admin.patch("/api/admin/users/chg-gx", {"role": "admin"}), 404, "not_found")
        self.assertProblem(admin.patch("/api/admin/users/chg-vik", {"password": "short"}), 400, "weak_password",
                           field="password")
        self.assertProblem(admin.patch("/api/admin/users/chg-vik", {"password": STRONG, "resetPassword": True}), 400,
                           "invalid_field")
        self.assertProblem(admin.patch("/api/admin/users/chg-vik", {"role": "god"}), 400, "invalid_field", field="role")
        self.assertEqual(sign_in(self.server, "chg-vik")[0].status, 200, "nothing changed")


class KeyLastUsed(unittest.TestCase):
    def test_a_keys_last_use_shows_at_once_and_survives_a_restart(self):
        server = Server()
        self.addCleanup(server.__exit__, None, None, None)
        server.customer("acme")
        key = server.api_key("acme", "--label", "cti")
        server.api_key("acme", "--label", "spare")
        server.start()
        admin = admin_token(server, "acme")

        def keys():
            return {k["label"]: k for k in admin.get("/api/admin/keys").json()["keys"]}

        self.assertIsNone(keys()["cti"]["lastUsedAt"])
        self.assertEqual(trigger(server, key).status, 200)
        used = keys()["cti"]["lastUsedAt"]
        self.assertIsNotNone(used, "this node's use shows at once")
        self.assertIsNone(keys()["spare"]["lastUsedAt"])
        tokens = [k for k in admin.get("/api/admin/keys").json()["keys"] if k["kind"] == "admin_token"]
        self.assertIsNotNone(tokens[0]["lastUsedAt"], "the admin token listing them was used too")
        server.stop()
        server.start()
        self.assertEqual(keys()["cti"]["lastUsedAt"], used, "stored at shutdown")
        self.assertIsNone(keys()["spare"]["lastUsedAt"])


if __name__ == "__main__":
    unittest.main()
