"""One server per port and per data dir (issue 11, items 2 and 3).

SO_REUSEPORT lets every event loop of one server listen on the same port; it must not let a
second server (same user, another data dir) join that port and take part of the traffic, and
two servers must not share one data dir, where each would overwrite the other's sessions.
The second one exits non-zero with one line saying why, before it takes any connection."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import unittest

from harness import Server, self_signed_certificate
from mqtt_clients import Mqtt, RawMqtt


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_refused(test, second, *expected):
    """Starts `second`, which must exit non-zero without listening; returns its reason."""
    test.addCleanup(second.__exit__, None, None, None)
    second.start(wait=False)
    try:
        code = second.proc.wait(15)
    except subprocess.TimeoutExpired:
        test.fail("the second server kept running:\n" + second.log_text())
    second._reader.join(5)
    test.assertNotEqual(code, 0, second.log_text())
    test.assertNotIn("listening", [entry.get("msg") for entry in second.logs()], second.log_text())
    # Log lines are JSON; the reason is the one line that is not.
    reasons = [line.strip() for line in second.lines if not line.startswith("{")]
    test.assertEqual(len(reasons), 1, second.log_text())
    for text in expected:
        test.assertIn(text, reasons[0])
    return reasons[0]


class Exclusive(unittest.TestCase):
    def start_first(self, *args, data_dir=None):
        server = Server("--threads", "2", "--rate-limit", "0", *args, data_dir=data_dir)
        self.addCleanup(server.__exit__, None, None, None)
        server.customer("acme")
        server.key = server.api_key("acme")
        server.token = server.client_token("acme")
        return server.start()

    def refused(self, second, *expected):
        return assert_refused(self, second, *expected)

    def assert_triggers_answered_by(self, first, count=20):
        """New connections each time, so the kernel would spread them over a shared port."""
        for i in range(count):
            r = first.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": first.key, "event": "On Ring"})
            self.assertEqual(r.status, 200, f"trigger {i}: {r}")

    def test_second_server_on_the_http_port_exits_and_every_trigger_reaches_the_first(self):
        first = self.start_first()
        address = f"127.0.0.1:{first.port}"
        reason = self.refused(Server("--threads", "2", "--http", address), "http", address,
                              "address already in use", f"PID {first.proc.pid}")
        self.assertNotIn("\n", reason)
        self.assert_triggers_answered_by(first)

    def test_second_server_on_the_mqtt_port_exits_and_every_client_reaches_the_first(self):
        first = self.start_first()
        address = f"127.0.0.1:{first.mqtt_port}"
        self.refused(Server("--threads", "2", "--mqtt", address), "mqtt", address, "address already in use")
        for i in range(20):
            client = RawMqtt(first.mqtt_port, f"probe-{i}", password=first.token)
            self.assertEqual(client.return_code, 0, f"connection {i}")
            client.sock.close()

    def test_wildcard_address_overlapping_a_port_in_use_is_refused(self):
        # 0.0.0.0 would take every address but 127.0.0.1, where the first is more specific.
        first = self.start_first()
        self.refused(Server("--http", f"0.0.0.0:{first.port}"), f"0.0.0.0:{first.port}", "address already in use")
        self.assert_triggers_answered_by(first, 5)

    def test_one_port_for_two_settings_is_refused(self):
        port = free_port()
        with tempfile.TemporaryDirectory() as d:
            self.refused(Server("--http", f"127.0.0.1:{port}", "--mqtt", f"127.0.0.1:{port}", data_dir=d),
                         "mqtt", f"127.0.0.1:{port}", "this server already listens")

    def test_port_released_by_the_first_can_be_taken(self):
        first = self.start_first()
        port = first.port
        first.stop()
        with Server("--http", f"127.0.0.1:{port}") as second:
            self.assertEqual(second.port, port)
            self.assertEqual(second.request("GET", "/healthz").status, 200)


class ExclusiveTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.TemporaryDirectory()
        cls.cert, cls.key_file = self_signed_certificate(cls.certs.name)
        cls.tls = ("--tls-cert", cls.cert, "--tls-key", cls.key_file)
        cls.first = Server("--threads", "2", "--rate-limit", "0", *cls.tls,
                           "--https", "127.0.0.1:0", "--mqtts", "127.0.0.1:0")
        cls.first.customer("acme")
        cls.key = cls.first.api_key("acme")
        cls.token = cls.first.client_token("acme")
        cls.first.start()

    @classmethod
    def tearDownClass(cls):
        cls.first.__exit__(None, None, None)
        cls.certs.cleanup()

    def refused(self, second, *expected):
        return assert_refused(self, second, *expected)

    def test_second_server_on_the_https_port_exits_and_every_trigger_reaches_the_first(self):
        address = f"127.0.0.1:{self.first.https_port}"
        self.refused(Server(*self.tls, "--threads", "2", "--https", address, "--mqtts", "127.0.0.1:0"),
                     "https", address, "address already in use")
        context = ssl.create_default_context(cafile=self.cert)
        for i in range(20):
            conn = http.client.HTTPSConnection("127.0.0.1", self.first.https_port, context=context, timeout=10)
            try:
                conn.request("POST", "/api/sendmessage/CTI", headers={"Content-Type": "application/json"},
                             body=json.dumps({"agentId": "1001", "jwt": self.key, "event": "On Ring"}))
                self.assertEqual(conn.getresponse().status, 200, f"trigger {i}")
            finally:
                conn.close()

    def test_second_server_on_the_mqtts_port_exits_and_every_client_reaches_the_first(self):
        address = f"127.0.0.1:{self.first.mqtts_port}"
        self.refused(Server(*self.tls, "--threads", "2", "--https", "127.0.0.1:0", "--mqtts", address),
                     "mqtts", address, "address already in use")
        context = ssl.create_default_context(cafile=self.cert)
        for i in range(10):  # CONNECT 3.1.1 by hand, as RawMqtt does, over TLS
            raw = socket.create_connection(("127.0.0.1", self.first.mqtts_port), timeout=5)
            with context.wrap_socket(raw, server_hostname="localhost") as sock:
                payload = RawMqtt._str(f"tls-probe-{i}") + RawMqtt._str("agent") + RawMqtt._str(self.token)
                body = RawMqtt._str("MQTT") + bytes([4, 0xC2, 0, 60]) + payload
                sock.sendall(RawMqtt._packet(0x10, body))
                connack = sock.recv(4)
                self.assertEqual(connack[:1], b"\x20", f"connection {i}")
                self.assertEqual(connack[3], 0, f"connection {i}")


class OneDataDir(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="popflow-exclusive-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.first = self.server()
        self.first.customer("acme")
        self.key = self.first.api_key("acme")
        self.token = self.first.client_token("acme")
        self.first.start()

    def server(self):
        server = Server("--rate-limit", "0", data_dir=self.data_dir)
        self.addCleanup(server.stop, signal.SIGKILL)
        return server

    def trigger(self, server, agent):
        r = server.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": self.key, "event": "On Ring"})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_second_server_on_the_data_dir_exits_and_answered_triggers_survive(self):
        client = Mqtt(self.first, self.token, client_id="agent-1", version=4, clean=False)
        self.assertEqual(client.subscribe("CTI/acme/1", qos=1), [1])
        client.disconnect()

        second = self.server()
        reason = assert_refused(self, second, f"data dir {self.data_dir} is in use by PID {self.first.proc.pid}")
        self.assertIn("--data-dir", reason)
        answers = [self.trigger(self.first, "1") for _ in range(3)]
        self.assertEqual([a["delivered"] for a in answers], [1, 1, 1])
        self.assertEqual(self.first.stop(), 0, self.first.log_text())
        second.stop()

        restarted = self.server().start()
        client = Mqtt(restarted, self.token, client_id="agent-1", version=4, clean=False)
        self.assertTrue(client.flags["session present"])
        received = [json.loads(client.next_message().payload)["id"] for _ in answers]
        self.assertEqual(received, [a["id"] for a in answers])
        client.disconnect()

    def test_lock_is_released_by_kill_9(self):
        self.first.stop(signal.SIGKILL)
        restarted = self.server().start()
        self.assertEqual(restarted.request("GET", "/healthz").status, 200)
        with open(os.path.join(self.data_dir, "popflow.lock")) as f:
            self.assertEqual(f.read().strip(), str(restarted.proc.pid))

    def test_admin_commands_write_while_the_server_runs(self):
        self.assertEqual(self.first.cli("customer", "add", "beta"), "beta")
        key = self.first.api_key("beta")
        self.first.wait_for_key(key)
        r = self.first.post_json("/api/sendmessage/CTI", {"agentId": "7", "jwt": key, "event": "On Ring"})
        self.assertEqual(r.status, 200, r)
        key_id = self.first.cli("key", "list", "--customer", "beta").splitlines()[1].split()[0]
        self.first.cli("key", "revoke", key_id)
        self.assertIn("beta", self.first.cli("customer", "list"))


if __name__ == "__main__":
    unittest.main()
