"""Who may resume an MQTT session (issue 10, item 1).

Client ids are scoped by what the credential may read: by customer, and for agent-limited
tokens by agent too. Agent 2002's token connecting with agent 1001's client id gets a session
of its own: never 1001's session, its queued pops, or a takeover of 1001's connection. Read
access is checked again at every delivery, so a revoked token's session stops receiving.
paho over TCP and WebSocket, MQTT 3.1.1 and 5.0; the durable path after kill -9 too."""
import json
import shutil
import signal
import tempfile
import unittest

from harness import Server, wait_until
from mqtt_clients import Mqtt, metric

COMBINATIONS = [(4, "tcp"), (5, "tcp"), (4, "websockets"), (5, "websockets")]


class SessionOwnership(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="popflow-owner-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.server = self.new_server()
        self.server.customer("acme")
        self.key = self.server.api_key("acme")
        self.token_1001 = self.server.client_token("acme", "--agent", "1001")
        self.token_2002 = self.server.client_token("acme", "--agent", "2002")
        self.server.start()

    def new_server(self):
        server = Server("--rate-limit", "0", data_dir=self.data_dir)
        self.addCleanup(server.stop, signal.SIGKILL)
        return server

    def trigger(self, agent, **data):
        response = self.server.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": self.key,
                                                                  "event": "On Ring", **data})
        self.assertEqual(response.status, 200, response)
        return response.json()

    def persistent(self, token, client_id, version, transport):
        """A persistent session: 3.1.1 clean session 0, or 5.0 with an hour's expiry."""
        client = Mqtt(self.server, token, client_id=client_id, version=version, transport=transport,
                      clean=False, session_expiry=3600 if version == 5 else None)
        self.assertTrue(client.accepted)
        return client

    def leave_queued_pop(self, client_id, version, transport):
        """Agent 1001 subscribes and leaves; a pop with the caller's number waits for it."""
        owner = self.persistent(self.token_1001, client_id, version, transport)
        self.assertEqual(owner.subscribe("CTI/acme/1001"), [1])
        owner.disconnect()
        self.assertEqual(self.trigger("1001", ani="5551234567")["delivered"], 1)

    def assert_pop_reaches_only_its_agent(self, client_id, version, transport):
        intruder = self.persistent(self.token_2002, client_id, version, transport)
        self.assertFalse(intruder.flags["session present"])
        intruder.no_message(wait=1)
        intruder.disconnect()
        owner = self.persistent(self.server.client_token("acme", "--agent", "1001"), client_id, version,
                                transport)  # a new token of the same agent resumes it
        self.assertTrue(owner.flags["session present"])
        pop = json.loads(owner.next_message().payload)
        self.assertEqual(pop["data"]["ani"], "5551234567")
        owner.unsubscribe("CTI/acme/1001")  # the next combination counts its own session only
        owner.disconnect()

    def test_another_agents_token_never_resumes_a_session(self):
        for version, transport in COMBINATIONS:
            with self.subTest(version=version, transport=transport):
                client_id = f"agent-1001-{version}-{transport}"
                self.leave_queued_pop(client_id, version, transport)
                self.assert_pop_reaches_only_its_agent(client_id, version, transport)

    def test_a_customer_wide_token_never_resumes_an_agents_session(self):
        self.leave_queued_pop("agent-1001", 5, "tcp")
        wide = self.persistent(self.server.client_token("acme"), "agent-1001", 5, "tcp")
        self.assertFalse(wide.flags["session present"])
        wide.no_message(wait=1)
        wide.disconnect()

    def test_another_agents_clean_connection_does_not_take_over(self):
        for version, transport in COMBINATIONS:
            with self.subTest(version=version, transport=transport):
                client_id = f"agent-1001-live-{version}-{transport}"
                owner = Mqtt(self.server, self.token_1001, client_id=client_id, version=version,
                             transport=transport)
                self.assertEqual(owner.subscribe("CTI/acme/1001"), [1])
                intruder = Mqtt(self.server, self.token_2002, client_id=client_id, version=version,
                                transport=transport)
                self.assertTrue(intruder.accepted)
                self.assertFalse(intruder.flags["session present"])
                self.assertEqual(self.trigger("1001", ani="5550001111")["delivered"], 1)
                self.assertEqual(json.loads(owner.next_message().payload)["data"]["ani"], "5550001111")
                intruder.no_message(wait=0.5)
                self.assertTrue(owner.disconnects.empty(), "the owner was disconnected")
                intruder.disconnect()
                owner.disconnect()

    def test_a_restored_session_keeps_its_owner(self):
        self.leave_queued_pop("agent-1001", 4, "tcp")
        self.server.stop(signal.SIGKILL)
        self.server = self.new_server().start()
        self.assert_pop_reaches_only_its_agent("agent-1001", 4, "tcp")

    def test_a_revoked_tokens_session_receives_nothing_more(self):
        owner = self.persistent(self.token_1001, "agent-1001", 5, "tcp")
        self.assertEqual(owner.subscribe("CTI/acme/1001"), [1])
        owner.disconnect()
        key_id = next(line.split()[0] for line in self.server.cli("key", "list").splitlines()
                      if "client_token" in line and "1001" in line)
        self.server.cli("key", "revoke", key_id)
        # Offline, nothing re-checks the token but the delivery itself.
        answers = []
        self.assertTrue(wait_until(lambda: answers.append(self.trigger("1001")) or answers[-1]["delivered"] == 0))
        refused = self.trigger("1001", ani="5559998888")
        self.assertEqual(refused["delivered"], 0)
        self.assertGreaterEqual(metric(self.server, 'popflow_mqtt_denied_total{what="delivery"}'), 2)
        again = self.persistent(self.server.client_token("acme", "--agent", "1001"), "agent-1001", 5, "tcp")
        self.assertTrue(again.flags["session present"])
        # Only what was queued before the revocation reached the server is there.
        queued_before = [a["id"] for a in answers if a["delivered"] == 1]
        received = [json.loads(again.next_message().payload)["id"] for _ in queued_before]
        self.assertEqual(received, queued_before)
        again.no_message(wait=1)
        self.assertEqual(self.trigger("1001", ani="5552223333")["delivered"], 1)
        self.assertEqual(json.loads(again.next_message().payload)["data"]["ani"], "5552223333")
        again.disconnect()


if __name__ == "__main__":
    unittest.main()
