"""Bounds on persistent MQTT sessions (issue 11, items 6 and 8).

One agent-limited token made 5,000 persistent sessions that never expired, each journaling
every trigger for its agent. Now: caps per token and per customer (CONNACK 0x97, 3.1.1: 3),
a maximum expiry that applies to 3.1.1 too (announced to 5.0 clients), a revoked token's
sessions end, and `session list|purge` lets an operator see and clean them, with the server
running or not. Also `$share` subscriptions for 3.1.1 clients, as mosquitto grants them.
paho for 5.0 and 3.1.1; a raw 3.1.1 CONNECT where paho would hide the return code."""
import base64
import json
import shutil
import signal
import tempfile
import time
import unittest

from harness import Server, wait_until
from mqtt_clients import Mqtt, RawMqtt, metric

QUOTA_EXCEEDED = 0x97
SERVER_UNAVAILABLE = 3  # 3.1.1's CONNACK code for it


def key_id(token):
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def rc_value(rc):
    return rc if isinstance(rc, int) else rc.value


class SessionTest(unittest.TestCase):
    args = ()

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="popflow-limits-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.server = self.new_server()
        self.server.customer("acme")
        self.server.customer("beta")
        self.key = self.server.api_key("acme")
        self.server.start()

    def new_server(self):
        server = Server("--rate-limit", "0", *self.args, data_dir=self.data_dir)
        self.addCleanup(server.stop, signal.SIGKILL)
        return server

    def persistent(self, token, client_id, version=5, expiry=3600, clean=False):
        client = Mqtt(self.server, token, client_id=client_id, version=version, clean=clean,
                      session_expiry=expiry if version == 5 else None)
        self.addCleanup(client.disconnect)
        return client

    def raw_311(self, token, client_id, clean=False):
        client = RawMqtt(self.server.mqtt_port, client_id, clean=clean, password=token)
        self.addCleanup(client.sock.close)
        return client

    def sessions(self):
        """`session list` as dicts by client id."""
        lines = self.server.cli("session", "list").splitlines()
        header = lines[0].split()
        return {row[0]: dict(zip(header, row)) for row in (line.split() for line in lines[1:])}

    def trigger(self, agent):
        response = self.server.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": self.key,
                                                                  "event": "On Ring"})
        self.assertEqual(response.status, 200, response)
        return response.json()


class Caps(SessionTest):
    args = ("--mqtt-max-sessions-per-token", "2", "--mqtt-max-sessions-per-customer", "3")

    def test_a_token_holds_at_most_its_cap_of_persistent_sessions(self):
        token = self.server.live_token("acme", "--agent", "1001")
        self.assertTrue(self.persistent(token, "a-1", version=5).accepted)
        self.assertEqual(self.raw_311(token, "a-2").return_code, 0)
        # One more: 5.0 hears Quota exceeded, 3.1.1 Server unavailable.
        refused = self.persistent(token, "a-3", version=5)
        self.assertEqual(rc_value(refused.rc), QUOTA_EXCEEDED)
        self.assertEqual(self.raw_311(token, "a-4").return_code, SERVER_UNAVAILABLE)
        self.assertNotIn("a-3", self.sessions())
        # Its own sessions still resume; sessions that end with their connection are not counted.
        again = self.raw_311(token, "a-2")
        self.assertEqual((again.return_code, again.session_present), (0, 1))
        self.assertTrue(self.persistent(token, "clean-5", version=5, expiry=0, clean=True).accepted)
        self.assertEqual(self.raw_311(token, "clean-311", clean=True).return_code, 0)
        # Another token of the same agent has a cap of its own.
        other = self.server.live_token("acme", "--agent", "1001")
        self.assertEqual(self.raw_311(other, "b-1").return_code, 0)

    def test_a_customer_holds_at_most_its_cap_across_tokens(self):
        tokens = [self.server.live_token("acme", "--agent", agent) for agent in ("1", "2", "3", "4")]
        for n, token in enumerate(tokens[:3]):
            self.assertEqual(self.raw_311(token, f"c-{n}").return_code, 0)
        self.assertEqual(self.raw_311(tokens[3], "c-3").return_code, SERVER_UNAVAILABLE)
        self.assertEqual(rc_value(self.persistent(tokens[3], "c-3").rc), QUOTA_EXCEEDED)
        # Another customer is not affected.
        beta = self.server.live_token("beta")
        self.assertEqual(self.raw_311(beta, "c-0").return_code, 0)
        # A purged session frees its place.
        self.server.cli("session", "purge", "--client-id", "c-0", "--customer", "acme")
        self.assertTrue(wait_until(lambda: self.raw_311(tokens[3], "c-3").return_code == 0, timeout=5))


class ExpiryCap(SessionTest):
    args = ("--mqtt-max-session-expiry", "2s")

    def test_a_311_persistent_session_ends_after_the_maximum(self):
        token = self.server.live_token("acme", "--agent", "1001")
        client = Mqtt(self.server, token, client_id="old-app", version=4, clean=False)
        self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
        client.disconnect()
        self.assertEqual(self.sessions()["old-app"]["EXPIRY"], "2s")
        back = Mqtt(self.server, token, client_id="old-app", version=4, clean=False)
        self.assertTrue(back.flags["session present"])  # within the maximum: kept
        back.disconnect()
        time.sleep(2.5)  # the maximum, then the once-a-second sweep
        self.assertTrue(wait_until(lambda: "old-app" not in self.sessions(), timeout=3))
        late = Mqtt(self.server, token, client_id="old-app", version=4, clean=False)
        self.assertFalse(late.flags["session present"])
        late.disconnect()

    def test_a_50_client_is_told_the_maximum(self):
        token = self.server.live_token("acme", "--agent", "1001")
        for asked in (3600, 0xFFFFFFFF):
            with self.subTest(asked=asked):
                client = self.persistent(token, f"new-app-{asked}", expiry=asked)
                self.assertEqual(client.connack_props.SessionExpiryInterval, 2)
        shorter = self.persistent(token, "short", expiry=1)
        self.assertFalse(hasattr(shorter.connack_props, "SessionExpiryInterval"))


class Revocation(SessionTest):
    def test_a_revoked_tokens_sessions_are_purged(self):
        token = self.server.live_token("acme", "--agent", "1001")
        keep = self.server.live_token("acme", "--agent", "2002")
        for client_id in ("phone", "desk"):
            client = self.persistent(token, client_id)
            self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            client.disconnect()
        self.persistent(keep, "other").disconnect()
        self.assertEqual(self.trigger("1001")["delivered"], 2)
        self.assertEqual(self.sessions()["phone"]["QUEUED"], "1")
        self.assertEqual(metric(self.server, "popflow_mqtt_sessions"), 3)

        self.server.cli("key", "revoke", key_id(token))
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_mqtt_sessions") == 1, timeout=5))
        self.assertTrue(wait_until(lambda: set(self.sessions()) == {"other"}, timeout=5))
        # Gone from the store too: a restart does not bring them back.
        self.server.stop()
        self.server = self.new_server().start()
        self.assertEqual(metric(self.server, "popflow_mqtt_sessions"), 1)


class SessionCli(SessionTest):
    def test_list_shows_the_stores_sessions(self):
        token = self.server.live_token("acme", "--agent", "1001")
        wide = self.server.live_token("beta")
        client = self.persistent(token, "agent-1001", expiry=600)
        client.subscribe("CTI/acme/1001")
        client.disconnect()
        self.trigger("1001")
        self.persistent(wide, "console")  # stays connected
        rows = wait_until(lambda: (lambda r: r if len(r) == 2 else None)(self.sessions()))
        self.assertEqual(rows["agent-1001"]["CUSTOMER"], "acme")
        self.assertEqual(rows["agent-1001"]["AGENT"], "1001")
        self.assertEqual(rows["agent-1001"]["TOKEN"], key_id(token))
        self.assertEqual(rows["agent-1001"]["EXPIRY"], "600s")
        self.assertRegex(rows["agent-1001"]["DETACHED_SINCE"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(rows["agent-1001"]["QUEUED"], "1")
        self.assertEqual(rows["console"]["AGENT"], "-")
        self.assertEqual(rows["console"]["DETACHED_SINCE"], "connected")

    def test_purge_ends_sessions_of_a_running_server(self):
        token = self.server.live_token("acme", "--agent", "1001")
        other = self.server.live_token("acme", "--agent", "2002")
        attached = self.persistent(token, "attached")
        self.persistent(token, "left").disconnect()
        self.persistent(other, "kept").disconnect()
        self.assertEqual(metric(self.server, "popflow_mqtt_sessions"), 3)

        out = self.server.cli("session", "purge", "--agent", "1001")
        self.assertIn("2 sessions purged", out)
        self.assertEqual(set(self.sessions()), {"kept"})
        self.assertEqual(attached.disconnected(), 0x98)  # Administrative action
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_mqtt_sessions") == 1, timeout=5))
        again = self.persistent(token, "left")
        self.assertFalse(again.flags["session present"])

    def test_purge_by_token_and_by_customer(self):
        first = self.server.live_token("acme", "--agent", "1001")
        second = self.server.live_token("acme", "--agent", "1001")
        beta = self.server.live_token("beta")
        self.persistent(first, "one").disconnect()
        self.persistent(second, "two").disconnect()
        self.persistent(beta, "three").disconnect()
        self.assertIn("1 session purged", self.server.cli("session", "purge", "--token", key_id(first)))
        self.assertEqual(set(self.sessions()), {"two", "three"})
        self.assertIn("1 session purged", self.server.cli("session", "purge", "--customer", "beta"))
        self.assertEqual(set(self.sessions()), {"two"})
        self.assertIn("0 sessions purged", self.server.cli("session", "purge", "--customer", "nobody"))

    def test_purge_while_no_server_runs(self):
        token = self.server.live_token("acme", "--agent", "1001")
        self.persistent(token, "app").disconnect()
        self.persistent(token, "keep").disconnect()
        self.server.stop()
        self.assertIn("1 session purged", self.server.cli("session", "purge", "--client-id", "app"))
        self.server = self.new_server().start()
        self.assertEqual(metric(self.server, "popflow_mqtt_sessions"), 1)
        self.assertFalse(self.persistent(token, "app").flags["session present"])
        self.assertTrue(self.persistent(token, "keep").flags["session present"])

    def test_purge_needs_a_filter(self):
        result = self.server.cli_result("session", "purge")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--customer", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)


class SharedSubscriptions311(SessionTest):
    def test_311_clients_share_a_subscription(self):
        token = self.server.live_token("acme", "--agent", "1001")
        clients = [Mqtt(self.server, token, client_id=f"s-{n}", version=4) for n in range(2)]
        for client in clients:
            self.addCleanup(client.disconnect)
            self.assertEqual(client.subscribe("$share/pops/CTI/acme/1001"), [1])
        self.assertEqual(self.trigger("1001")["delivered"], 1)
        self.assertEqual(self.trigger("1001")["delivered"], 1)
        for client in clients:  # round-robin: one each
            client.next_message()
            client.no_message(wait=0.5)

    def test_a_malformed_share_is_refused_for_311(self):
        token = self.server.live_token("acme", "--agent", "1001")
        client = Mqtt(self.server, token, client_id="bad-share", version=4)
        self.addCleanup(client.disconnect)
        self.assertEqual(client.subscribe("$share/pops"), [0x80])


if __name__ == "__main__":
    unittest.main()
