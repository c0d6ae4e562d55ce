"""What the admin API tests share: callers (admin tokens, console users signed in with a
cookie and CSRF token), definitions, and a server with two customers to act on.

Everything goes through the real binary: customers, tokens and users are made with its CLI,
the rest with HTTP requests (http.client via harness.Server.request).
"""
import json
import os
import re
import unittest

from harness import Server, wait_until

PASSWORD = "Tulip-Harbor-Quartz-71"
JSON = {"Content-Type": "application/json"}
ROUTES_CPP = os.path.join(os.path.dirname(__file__), "../../src/admin/admin_routes.cpp")


def definition(title="Call from {interaction.ani}"):
    return {"schema": 1, "start": "pop", "steps": {"pop": {"type": "show", "title": title}}}


def registered_routes():
    """(METHOD, pattern) of every guarded admin route, as admin_routes.cpp registers them."""
    with open(ROUTES_CPP) as source:
        text = source.read()
    verbs = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete_": "DELETE"}
    return {(verbs[verb], path) for verb, path in re.findall(r'add\(verb::(\w+), "([^"]+)"', text)}


def add_user(server, name, customer=None, role="admin", password=PASSWORD):
    """A console user via `user add`; returns the password (generated for operators)."""
    if customer is None:
        return server.cli("user", "add", name, "--operator")
    out = server.cli_result("user", "add", name, "--customer", customer, "--role", role, "--password-stdin",
                            input=password + "\n")
    if out.returncode != 0:
        raise AssertionError(f"user add {name} failed: {out.stderr}")
    return password


class Caller:
    """Calls the admin API as one caller: an admin token, a console session or nobody."""

    def __init__(self, server, token=None, cookie=None, csrf=None):
        self.server, self.token, self.cookie, self.csrf = server, token, cookie, csrf

    def headers(self, method, extra=None):
        headers = {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if self.cookie:
            headers["Cookie"] = "popflow_session=" + self.cookie
            if self.csrf and method not in ("GET", "HEAD"):
                headers["X-CSRF-Token"] = self.csrf
        headers.update(extra or {})
        return headers

    def call(self, method, path, body=None, headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers = {**JSON, **(headers or {})}
        return self.server.request(method, path, body=body, headers=self.headers(method, headers))

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, {} if body is None else body, **kw)

    def put(self, path, body, **kw):
        return self.call("PUT", path, body, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def sign_in(server, user, password=PASSWORD):
    """POST /api/admin/session; returns (response, Caller with its cookie and CSRF token)."""
    r = server.post_json("/api/admin/session", {"user": user, "password": password})
    if r.status != 200:
        return r, None
    match = re.match(r"popflow_session=([^;]+)", r.headers.get("set-cookie", ""))
    return r, Caller(server, cookie=match.group(1), csrf=r.json()["csrfToken"])


def admin_token(server, customer):
    """An admin token the running server already accepts."""
    token = server.cli("token", "create", "--customer", customer, "--admin")
    caller = Caller(server, token=token)
    if server.proc:
        assert wait_until(lambda: caller.get("/api/admin/instances").status != 401), "token never known"
    return caller


class AdminTest(unittest.TestCase):
    """A fresh server per class with customers "acme" and "globex", an admin token for
    acme and an API key (cti and crm) for each."""

    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.extra_args)
        cls.server.customer("acme")
        cls.server.customer("globex")
        cls.key = cls.server.api_key("acme")
        cls.globex_key = cls.server.api_key("globex")
        cls.server.start()
        cls.admin = admin_token(cls.server, "acme")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    # --- assertions ---
    def assertProblem(self, r, status, code, field=None, message_has=None):
        self.assertEqual(r.status, status, r)
        problem = r.json()
        self.assertEqual(problem["code"], code, r)
        if field is not None:
            self.assertEqual(problem.get("field"), field, r)
        if message_has is not None:
            self.assertIn(message_has, problem["message"], r)
        return problem

    def assertStatus(self, r, status):
        self.assertEqual(r.status, status, r)
        return r.json() if r.body else None

    # --- fixtures made through the API ---
    def make_instance(self, crm_id, caller=None, crm_type="generic"):
        r = (caller or self.admin).post("/api/admin/instances", {"crmId": crm_id, "name": crm_id, "crmType": crm_type})
        self.assertEqual(r.status, 201, r)
        return r.json()

    def make_workflow(self, crm_id, name, event="On Ring", caller=None, title="Call from {interaction.ani}"):
        r = (caller or self.admin).post(f"/api/admin/instances/{crm_id}/workflows",
                                        {"name": name, "event": event, "description": "",
                                         "definition": definition(title)})
        self.assertEqual(r.status, 201, r)
        return r.json()

    def freeze(self, workflow_id, caller=None):
        r = (caller or self.admin).post(f"/api/admin/workflows/{workflow_id}/versions")
        self.assertIn(r.status, (200, 201), r)
        return r.json()["version"]

    def publish(self, workflow_id, version, profiles="all", caller=None):
        r = (caller or self.admin).post(f"/api/admin/workflows/{workflow_id}/publish",
                                        {"version": version, "profiles": profiles})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def trigger(self, channel, fields, key=None):
        r = self.server.post_json("/api/sendmessage/" + channel, {"jwt": key or self.key, **fields})
        self.assertEqual(r.status, 200, r)
        return r.json()
