"""/api/admin/users: a customer's owners and admins manage its console users (as the CLI's
`user add/list/remove` do): a generated password shown once, a role no higher than the
caller's, a removed user's sessions ended at once, never another customer's users."""
import unittest

from admin_fixture import AdminTest, add_user, sign_in


class Users(AdminTest):
    def test_an_owner_adds_a_user_who_signs_in_and_removing_it_ends_its_session(self):
        add_user(self.server, "users-owner", customer="acme", role="owner")
        _, owner = sign_in(self.server, "users-owner")
        made = owner.post("/api/admin/users", {"name": "dina", "role": "designer"})
        self.assertEqual(made.status, 201, made)
        password = made.json()["password"]
        self.assertEqual((made.json()["name"], made.json()["role"]), ("dina", "designer"))
        listed = owner.get("/api/admin/users").json()["users"]
        self.assertIn("dina", [u["name"] for u in listed])
        self.assertNotIn("password", str(listed), "a password is shown once, at creation")
        r, dina = sign_in(self.server, "dina", password)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(dina.get("/api/admin/instances").status, 200)
        self.assertEqual(owner.post("/api/admin/users", {"name": "dina", "role": "viewer"}).status, 409)
        self.assertEqual(owner.delete("/api/admin/users/dina").status, 204)
        self.assertEqual(dina.get("/api/admin/instances").status, 401, "the removed user's session ended at once")
        self.assertProblem(owner.delete("/api/admin/users/users-owner"), 409, "self")

    def test_an_admin_makes_no_owner_a_weak_password_is_refused_and_another_customer_is_out_of_reach(self):
        add_user(self.server, "users-admin", customer="acme", role="admin")
        add_user(self.server, "globex-owner", customer="globex", role="owner")
        _, admin = sign_in(self.server, "users-admin")
        self.assertProblem(admin.post("/api/admin/users", {"name": "boss", "role": "owner"}), 403, "role_denied",
                           field="role")
        self.assertProblem(admin.post("/api/admin/users", {"name": "weak", "role": "viewer", "password": "short"}),
                           400, "weak_password", field="password")
        self.assertProblem(admin.delete("/api/admin/users/globex-owner"), 404, "not_found")
        self.assertNotIn("globex-owner", [u["name"] for u in admin.get("/api/admin/users").json()["users"]])
        made = admin.post("/api/admin/users", {"name": "vik", "role": "viewer", "password": "a-long-enough-pass-phrase-42"})
        self.assertEqual(made.status, 201, made)
        self.assertNotIn("password", made.json(), "a password the caller gave is not echoed")
        _, designer = sign_in(self.server, "vik", "a-long-enough-pass-phrase-42")
        self.assertProblem(designer.get("/api/admin/users"), 403, "role_denied", message_has="manage the console's users")


if __name__ == "__main__":
    unittest.main()
