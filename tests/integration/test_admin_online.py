"""GET /api/admin/online (the console's "agents online"): each agent of the caller's
customer with its MQTT sessions (connected over which transport, or waiting for its client
with messages queued) and its SSE streams; never another customer's agents.

The clients are paho (TCP and WebSocket) and an SSE stream on http.client; their tokens
come from the CLI."""
import json
import unittest

from admin_fixture import AdminTest, add_user, sign_in
from harness import Sse, wait_until
from mqtt_clients import Mqtt


class Online(AdminTest):
    def online(self, caller=None, query=""):
        r = (caller or self.admin).get("/api/admin/online" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def agent(self, answer, agent_id):
        return next((a for a in answer["agents"] if a["agentId"] == agent_id), None)

    def test_connected_sessions_with_their_transport_and_a_waiting_one_with_its_queue(self):
        tcp = Mqtt(self.server, self.server.live_token("acme", "--agent", "3101"), client_id="desk-tcp",
                   session_expiry=3600)
        ws = Mqtt(self.server, self.server.live_token("acme", "--agent", "3102"), client_id="desk-ws",
                  transport="websockets")
        sse = Sse(self.server, ["CTI/acme/3103"], token=self.server.live_token("acme", "--agent", "3103"))
        other = Mqtt(self.server, self.server.live_token("globex", "--agent", "3101"), client_id="globex-desk")
        try:
            tcp.subscribe("CTI/acme/3101")
            answer = self.online()
            first = self.agent(answer, "3101")
            self.assertEqual(first["connected"], True)
            self.assertEqual([(s["clientId"], s["transport"], s["connected"], s["persistent"]) for s in first["sessions"]],
                             [("desk-tcp", "tcp", True, True)])
            self.assertEqual(self.agent(answer, "3102")["sessions"][0]["transport"], "websocket")
            self.assertEqual(self.agent(answer, "3103")["sseStreams"], 1)
            self.assertEqual(self.agent(answer, "3103")["sessions"], [])
            self.assertEqual(answer["connected"], 3)
            self.assertEqual(len(first["sessions"]), 1, "globex's agent 3101 is not acme's")
            # Its client gone, the persistent session waits, and keeps what arrives for it.
            tcp.disconnect()
            self.assertTrue(wait_until(lambda: not self.agent(self.online(), "3101")["connected"]))
            sent = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "3101", "event": "On Ring"})
            self.assertEqual(sent.status, 200, sent)
            waiting = self.agent(self.online(), "3101")["sessions"][0]
            self.assertEqual((waiting["connected"], waiting["queued"]), (False, 1))
            self.assertNotIn("transport", waiting)
            # One agent asked for by name.
            self.assertEqual([a["agentId"] for a in self.online(query="?agent=3102")["agents"]], ["3102"])
        finally:
            for client in (ws, other):
                client.disconnect()
            sse.close()
        self.assertTrue(wait_until(lambda: self.agent(self.online(), "3103") is None), "a closed stream leaves the list")

    def test_every_role_reads_it_and_a_customer_sees_only_its_own(self):
        add_user(self.server, "online-viewer", customer="globex", role="viewer")
        _, viewer = sign_in(self.server, "online-viewer")
        client = Mqtt(self.server, self.server.live_token("acme", "--agent", "3201"), client_id="acme-3201")
        try:
            self.assertIsNotNone(self.agent(self.online(), "3201"))
            self.assertIsNone(self.agent(self.online(viewer), "3201"), "globex's viewer sees none of acme's agents")
        finally:
            client.disconnect()


class Activity(AdminTest):
    """GET /api/admin/activity: the customer's last hour, minute by minute."""

    def test_triggers_deliveries_and_runs_of_this_customer_only(self):
        token = self.server.live_token("acme", "--agent", "3301")
        client = Mqtt(self.server, token, client_id="acme-3301")
        try:
            client.subscribe("CTI/acme/3301")
            reached = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "3301", "event": "On Ring"})
            missed = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "3399", "event": "On Ring"})
            other = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.globex_key, "agentId": "3301", "event": "On Ring"})
            for r in (reached, missed, other):
                self.assertEqual(r.status, 200, r)
            run = self.server.request("POST", f"/api/triggers/{reached.json()['id']}/runs", json.dumps({"outcome": "executed"}),
                                      {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            self.assertEqual(run.status, 201, run)
        finally:
            client.disconnect()
        minutes = self.admin.get("/api/admin/activity").json()["minutes"]
        self.assertEqual(len(minutes), 60)
        self.assertLess(minutes[0]["at"], minutes[-1]["at"])
        total = {name: sum(m[name] for m in minutes) for name in ("triggers", "delivered", "executed", "failed")}
        self.assertEqual(total, {"triggers": 2, "delivered": 1, "executed": 1, "failed": 0},
                         "acme's two triggers, one reaching a session; globex's is not counted")


if __name__ == "__main__":
    unittest.main()
