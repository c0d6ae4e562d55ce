"""Console sign-in (src/admin/session_api.cpp): the cookie, CSRF on writes, sign-out, wrong
passwords, the throttle, idle expiry and users removed while signed in; and that each kind
of credential works only where it belongs.

The throttle counts failures per client address too, and every request here comes from
127.0.0.1: each class that fails sign-ins on purpose has a server of its own."""
import base64
import json
import re
import time
import unittest

from admin_fixture import PASSWORD, AdminTest, Caller, add_user, sign_in
from harness import wait_until


class Sessions(AdminTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        add_user(cls.server, "alice", "acme", "admin")

    def test_sign_in_sets_a_strict_http_only_cookie_and_returns_a_csrf_token(self):
        r, caller = sign_in(self.server, "alice")
        self.assertEqual(r.status, 200, r)
        cookie = r.headers["set-cookie"]
        self.assertRegex(cookie, r"^popflow_session=[^;]{20,};")
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        self.assertIn("httponly", attributes)
        self.assertIn("samesite=strict", cookie.lower())
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        body = r.json()
        self.assertEqual((body["user"], body["role"], body["customer"], body["operator"]),
                         ("alice", "admin", "acme", False))
        self.assertGreaterEqual(len(body["csrfToken"]), 20)
        self.assertNotIn(body["csrfToken"], cookie)

        # A console page reloaded in the session gets its token again, readable only by a page
        # of this origin: the cookie is SameSite=Strict and the answer allows no other origin.
        r = caller.get("/api/admin/session")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"], "alice")
        self.assertEqual(r.json()["csrfToken"], body["csrfToken"])
        self.assertNotIn("access-control-allow-origin", {k.lower() for k in r.headers})
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertEqual(caller.get("/api/admin/instances").status, 200)

    def test_a_write_needs_the_csrf_token(self):
        _, caller = sign_in(self.server, "alice")
        without = Caller(self.server, cookie=caller.cookie)
        self.assertProblem(without.post("/api/admin/instances", {"crmId": "csrf-1"}), 403, "csrf_mismatch")
        wrong = Caller(self.server, cookie=caller.cookie, csrf="x" * 40)
        self.assertProblem(wrong.post("/api/admin/instances", {"crmId": "csrf-1"}), 403, "csrf_mismatch")
        self.assertProblem(caller.get("/api/admin/instances/csrf-1"), 404, "not_found")
        self.assertEqual(caller.post("/api/admin/instances", {"crmId": "csrf-1"}).status, 201)
        self.assertEqual(without.get("/api/admin/instances/csrf-1").status, 200)  # reads need no token
        # Another session's CSRF token is no good either.
        _, other = sign_in(self.server, "alice")
        mixed = Caller(self.server, cookie=caller.cookie, csrf=other.csrf)
        self.assertProblem(mixed.post("/api/admin/instances", {"crmId": "csrf-2"}), 403, "csrf_mismatch")

    def test_sign_out_ends_the_session(self):
        _, caller = sign_in(self.server, "alice")
        r = caller.delete("/api/admin/session")
        self.assertEqual(r.status, 204, r)
        self.assertIn("Max-Age=0", r.headers.get("set-cookie", ""))
        self.assertProblem(caller.get("/api/admin/instances"), 401, "session_expired")
        self.assertProblem(caller.get("/api/admin/session"), 401, "not_signed_in")

    def test_no_credentials_and_a_made_up_cookie_are_401(self):
        self.assertProblem(Caller(self.server).get("/api/admin/instances"), 401, "not_signed_in")
        self.assertProblem(Caller(self.server, cookie="forged").get("/api/admin/instances"), 401, "session_expired")

    def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(self):
        wrong = self.server.post_json("/api/admin/session", {"user": "alice", "password": "Wrong-Password-123"})
        unknown = self.server.post_json("/api/admin/session", {"user": "mallory", "password": PASSWORD})
        self.assertProblem(wrong, 401, "bad_credentials")
        self.assertProblem(unknown, 401, "bad_credentials")
        self.assertEqual(wrong.json()["message"], unknown.json()["message"])
        self.assertNotIn("set-cookie", wrong.headers)

    def test_a_sign_in_without_user_or_password_is_400(self):
        self.assertProblem(self.server.post_json("/api/admin/session", {"user": "alice"}), 400, "missing_field",
                           field="password")
        self.assertProblem(self.server.request("POST", "/api/admin/session", "user=alice"), 400, "malformed_json")

    def test_a_user_removed_while_signed_in_is_out_at_the_next_request(self):
        add_user(self.server, "bob", "acme", "designer")  # added while the server runs
        _, caller = sign_in(self.server, "bob")
        self.assertEqual(caller.get("/api/admin/instances").status, 200)
        self.server.cli("user", "remove", "bob")
        self.assertProblem(caller.get("/api/admin/instances"), 401, "session_expired")
        self.assertEqual(caller.get("/api/admin/session").status, 401)
        self.assertProblem(self.server.post_json("/api/admin/session", {"user": "bob", "password": PASSWORD}),
                           401, "bad_credentials")

    def test_a_session_does_not_pass_to_a_new_user_of_the_same_name(self):
        # Removed and added again, for another customer, before the old cookie is used again:
        # the old cookie must not act as the new user.
        add_user(self.server, "heidi", "acme", "owner")
        _, old = sign_in(self.server, "heidi")
        self.server.cli("user", "remove", "heidi")
        add_user(self.server, "heidi", "globex", "owner", password="Another-Secret-Phrase-42")
        self.assertProblem(old.get("/api/admin/instances"), 401, "session_expired")
        self.assertEqual(old.get("/api/admin/session").status, 401)
        self.assertEqual(old.post("/api/admin/instances", {"crmId": "heidi-1"}).status, 401)
        _, new = sign_in(self.server, "heidi", "Another-Secret-Phrase-42")
        self.assertEqual(new.get("/api/admin/session").json()["customer"], "globex")
        self.assertEqual(new.get("/api/admin/instances").status, 200)

    def test_a_changed_role_applies_to_the_next_request(self):
        add_user(self.server, "carol", "acme", "viewer")
        _, caller = sign_in(self.server, "carol")
        self.assertProblem(caller.post("/api/admin/instances", {"crmId": "carol-1"}), 403, "role_denied")
        self.server.cli("user", "remove", "carol")
        add_user(self.server, "carol", "acme", "admin")
        _, caller = sign_in(self.server, "carol")
        self.assertEqual(caller.post("/api/admin/instances", {"crmId": "carol-1"}).status, 201)

    def test_the_user_list_shows_the_last_sign_in(self):
        add_user(self.server, "dave", "acme", "viewer")
        before = [line for line in self.server.cli("user", "list").splitlines() if "dave" in line]
        sign_in(self.server, "dave")
        after = [line for line in self.server.cli("user", "list").splitlines() if "dave" in line]
        self.assertEqual(len(after), 1, after)
        self.assertNotEqual(before, after)

    def test_an_admin_token_is_refused_for_triggers(self):
        for channel in ["CTI", "CRM"]:
            with self.subTest(channel=channel):
                r = self.server.post_json(f"/api/sendmessage/{channel}",
                                          {"jwt": self.admin.token, "agentid": "a1", "crmid": "c1", "event": "On Ring"})
                self.assertProblem(r, 401, "wrong_key_kind")

    def test_an_api_key_and_a_client_token_are_refused_on_the_admin_api(self):
        token = self.server.live_token("acme", "--agent", "a1")
        for name, credential in [("api key", self.key), ("client token", token)]:
            with self.subTest(credential=name):
                r = Caller(self.server, token=credential).get("/api/admin/instances")
                self.assertProblem(r, 401, "wrong_key_kind")

    def test_a_revoked_admin_token_is_refused(self):
        token = self.server.cli("token", "create", "--customer", "acme", "--admin")
        caller = Caller(self.server, token=token)
        self.assertTrue(wait_until(lambda: caller.get("/api/admin/instances").status == 200, timeout=2))
        header = token.split(".")[0]
        key_id = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
        self.assertIn(key_id, [k["id"] for k in self.admin.get("/api/admin/keys").json()["keys"]])
        self.server.cli("key", "revoke", key_id)
        self.assertTrue(wait_until(lambda: caller.get("/api/admin/instances").status == 401, timeout=2))


class Throttle(AdminTest):
    def test_the_sixth_attempt_after_five_failures_waits(self):
        add_user(self.server, "erin", "acme", "owner")
        for attempt in range(5):
            r = self.server.post_json("/api/admin/session", {"user": "erin", "password": f"Not-It-{attempt}-xyzw"})
            self.assertProblem(r, 401, "bad_credentials")
        # Even the right password waits: the throttle answers before any password is checked.
        r = self.server.post_json("/api/admin/session", {"user": "erin", "password": PASSWORD})
        problem = self.assertProblem(r, 429, "sign_in_throttled")
        wait = int(r.headers["retry-after"])
        self.assertGreaterEqual(wait, 1)
        self.assertIn(f"{wait} s", problem["message"])
        time.sleep(wait + 0.2)
        r, caller = sign_in(self.server, "erin")
        self.assertEqual(r.status, 200, r)


class IdleExpiry(AdminTest):
    extra_args = ("--console-session-idle", "1s")

    def test_a_session_unused_for_longer_than_the_idle_limit_ends(self):
        add_user(self.server, "frank", "acme", "viewer")
        r, caller = sign_in(self.server, "frank")
        self.assertEqual(r.json()["idleTimeoutSeconds"], 1)
        self.assertEqual(caller.get("/api/admin/instances").status, 200)
        time.sleep(2.2)
        self.assertProblem(caller.get("/api/admin/instances"), 401, "session_expired")

    def test_a_session_in_use_stays(self):
        add_user(self.server, "grace", "acme", "viewer")
        _, caller = sign_in(self.server, "grace")
        for _ in range(5):
            time.sleep(0.5)
            self.assertEqual(caller.get("/api/admin/instances").status, 200)


if __name__ == "__main__":
    unittest.main()
