"""GET /api/admin/monitor (CONTRACT "Admin API"): a customer's triggers and runs as they
happen, as Server-Sent Events, for an admin token or a console session of any role; never
another customer's; ended when the credential is.

Read with http.client; triggers are sent through the Connect API and runs reported with the
agent's client token, as the agent's client would."""
import base64
import http.client
import json
import unittest

from admin_fixture import AdminTest, Caller, add_user, sign_in
from harness import wait_until


class Monitor:
    def __init__(self, server, headers, query="", timeout=5):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        self.conn.request("GET", "/api/admin/monitor" + query, headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        if self.status != 200:
            self.body = json.loads(self.resp.read())
            return
        assert self.resp.fp.readline().startswith(b": subscribed")
        self.resp.fp.readline()

    def next_event(self):
        while True:
            line = self.resp.fp.readline()
            if not line:
                raise EOFError("the monitor stream closed")
            line = line.decode().rstrip("\n")
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])
            if line.startswith("event: error"):
                raise EOFError("the monitor stream ended with an error")

    def close(self):
        self.conn.close()


class AdminMonitor(AdminTest):
    extra_args = ("--revocation-poll", "100ms")

    def watch(self, caller, query=""):
        monitor = Monitor(self.server, caller.headers("GET"), query)
        self.addCleanup(monitor.close)
        return monitor

    def trigger(self, key, agent="1001"):
        r = self.server.post_json("/api/sendmessage/CTI", {"agentId": agent, "event": "On Ring", "ani": "555"},
                                  headers={"Authorization": "Bearer " + key})
        self.assertEqual(r.status, 200, r)
        return r.json()["id"]

    def test_triggers_and_runs_are_streamed_as_they_happen(self):
        monitor = self.watch(self.admin)
        self.assertEqual(monitor.status, 200)
        trigger_id = self.trigger(self.key)
        event = monitor.next_event()
        self.assertEqual((event["type"], event["id"], event["agentId"]), ("trigger", trigger_id, "1001"))
        self.assertEqual(event["resolution"]["reason"], "no_publication")
        token = self.server.live_token("acme", "--agent", "1001")
        r = self.server.post_json(f"/api/triggers/{trigger_id}/runs", {"outcome": "executed"},
                                  headers={"Authorization": "Bearer " + token})
        self.assertEqual(r.status, 201, r)
        event = monitor.next_event()
        self.assertEqual((event["type"], event["id"], event["outcome"]), ("run", trigger_id, "executed"))

    def test_another_customers_triggers_never_appear(self):
        monitor = self.watch(self.admin)
        self.trigger(self.globex_key)
        own = self.trigger(self.key)
        self.assertEqual(monitor.next_event()["id"], own)

    def test_a_viewers_session_may_watch_and_an_operator_names_the_customer(self):
        add_user(self.server, "monitor-viewer", "acme", "viewer")
        _, viewer = sign_in(self.server, "monitor-viewer")
        monitor = self.watch(viewer)
        self.assertEqual(monitor.status, 200)
        own = self.trigger(self.key)
        self.assertEqual(monitor.next_event()["id"], own)
        password = add_user(self.server, "monitor-root")
        _, operator = sign_in(self.server, "monitor-root", password)
        refused = self.watch(operator)
        self.assertEqual((refused.status, refused.body["field"]), (400, "customer"))
        globex = self.watch(operator, "?customer=globex")
        theirs = self.trigger(self.globex_key)
        self.assertEqual(globex.next_event()["id"], theirs)

    def test_naming_another_customer_is_refused_unless_an_operator(self):
        add_user(self.server, "monitor-acme", "acme", "viewer")
        _, viewer = sign_in(self.server, "monitor-acme")
        for caller in (viewer, self.admin):
            refused = self.watch(caller, "?customer=globex")
            self.assertEqual((refused.status, refused.body["code"]), (403, "customer_denied"))
        self.assertEqual(self.watch(viewer, "?customer=acme").status, 200)

    def test_other_credentials_are_refused_and_a_revoked_token_ends_the_stream(self):
        self.assertEqual(self.watch(Caller(self.server)).status, 401)
        self.assertEqual(self.watch(Caller(self.server, token=self.key)).body["code"], "wrong_key_kind")
        token = self.server.cli("token", "create", "--customer", "acme", "--admin")
        caller = Caller(self.server, token=token)
        self.assertTrue(wait_until(lambda: caller.get("/api/admin/instances").status == 200))
        monitor = self.watch(caller)
        header = token.split(".")[0]
        key_id = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
        self.server.cli("key", "revoke", key_id)
        with self.assertRaises(EOFError):
            for _ in range(10):
                monitor.next_event()

    def test_no_monitor_open_costs_triggers_nothing_and_a_closed_one_is_uncounted(self):
        monitor = self.watch(self.admin)
        monitor.close()
        # The next monitor still sees only what happens after it opened.
        self.trigger(self.key)
        fresh = self.watch(self.admin)
        after = self.trigger(self.key)
        self.assertEqual(fresh.next_event()["id"], after)


class MonitorAndIdleSessions(AdminTest):
    extra_args = ("--console-session-idle", "1s", "--revocation-poll", "100ms")

    def test_an_open_monitor_does_not_keep_an_unattended_session_alive(self):
        add_user(self.server, "monitor-idle", "acme", "viewer")
        _, viewer = sign_in(self.server, "monitor-idle")
        monitor = Monitor(self.server, viewer.headers("GET"))
        self.addCleanup(monitor.close)
        self.assertEqual(monitor.status, 200)
        # The stream checks its session while open; that check is not the user's activity.
        with self.assertRaises(EOFError):
            for _ in range(10):
                monitor.next_event()
        self.assertProblem(viewer.get("/api/admin/instances"), 401, "session_expired")


if __name__ == "__main__":
    unittest.main()
