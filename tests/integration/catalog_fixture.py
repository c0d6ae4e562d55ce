"""What the delivery-truth and client-API tests share: an admin caller that builds a
customer's model through the real admin API (instances, profiles, the agent directory,
published workflows), and small helpers for tokens and problems.

Everything goes through the running binary: tokens from its CLI, the rest over HTTP.
"""
import base64
import json

from harness import wait_until


def definition(title="Call from {interaction.ani}"):
    return {"schema": 1, "start": "pop", "steps": {"pop": {"type": "show", "title": title}}}


def key_id(token):
    """The JWT's "kid": what the server names a token's holder by (an SSE subscriber)."""
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


class Admin:
    """Calls the admin API with an admin token of one customer."""

    def __init__(self, server, customer):
        self.server = server
        self.token = server.cli("token", "create", "--customer", customer, "--admin")
        assert wait_until(lambda: self.get("/api/admin/instances").status != 401), "admin token never known"

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.token}
        if body is not None:
            return self.server.request(method, path, body=body, headers=headers)
        return self.server.request(method, path, headers=headers)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body):
        r = self.call("POST", path, body)
        assert r.status in (200, 201), (path, r)
        return r.json()

    def patch(self, path, body):
        r = self.call("PATCH", path, body)
        assert r.status == 200, (path, r)
        return r.json()

    def instance(self, crm_id, crm_type="generic"):
        return self.post("/api/admin/instances", {"crmId": crm_id, "name": crm_id, "crmType": crm_type})

    def profile(self, crm_id, name):
        return self.post(f"/api/admin/instances/{crm_id}/profiles", {"name": name})

    def agent(self, crm_id, agent_id, profile):
        return self.post(f"/api/admin/instances/{crm_id}/agents", {"agentId": agent_id, "profile": profile})

    def workflow(self, crm_id, name, event="On Ring", title="Call from {interaction.ani}"):
        return self.post(f"/api/admin/instances/{crm_id}/workflows",
                         {"name": name, "event": event, "description": "", "definition": definition(title)})

    def publish(self, workflow_id, profiles="all"):
        """Freezes the draft as a version and publishes it; returns the version."""
        version = self.post(f"/api/admin/workflows/{workflow_id}/versions", {})["version"]
        self.post(f"/api/admin/workflows/{workflow_id}/publish", {"version": version, "profiles": profiles})
        return version

    def unpublish(self, workflow_id):
        r = self.call("DELETE", f"/api/admin/workflows/{workflow_id}/publish")
        assert r.status == 200, r
        return r.json()


def client_get(server, path, token):
    return server.request("GET", path, headers={"Authorization": "Bearer " + token})


def generation(server, token, crm_id):
    """The catalog generation the server serves now (GET /api/client/workflows' ETag)."""
    r = client_get(server, "/api/client/workflows?crmId=" + crm_id, token)
    assert r.status == 200, r
    return r.json()["generation"]

