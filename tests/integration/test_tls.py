"""TLS: HTTPS (triggers, SSE, wss://.../mqtt) and mqtts when a certificate is configured."""
import json
import os
import ssl
import subprocess
import tempfile
import unittest

import paho.mqtt.client as paho

from harness import Server, self_signed_certificate, wait_until
from mqtt_clients import mosquitto_sub, subscriptions, wait_subscribed


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.TemporaryDirectory()
        cls.cert, cls.key_file = self_signed_certificate(cls.certs.name)
        cls.server = Server("--tls-cert", cls.cert, "--tls-key", cls.key_file,
                            "--https", "127.0.0.1:0", "--mqtts", "127.0.0.1:0")
        cls.server.customer("acme")
        cls.key = cls.server.api_key("acme")
        cls.token = cls.server.client_token("acme")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.certs.cleanup()

    def https_trigger(self, agent):
        out = subprocess.run(["curl", "-s", "--cacert", self.cert,
                              f"https://127.0.0.1:{self.server.https_port}/api/sendmessage/CTI",
                              "-H", "Content-Type: application/json",
                              "-d", json.dumps({"agentId": agent, "jwt": self.key, "event": "On Ring"})],
                             capture_output=True, text=True, timeout=10)
        return json.loads(out.stdout)

    def test_https_trigger_and_plain_http_still_served(self):
        self.assertEqual(self.https_trigger("1")["status"], "ok")
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)

    def test_mqtts_with_mosquitto_sub(self):
        before = subscriptions(self.server)
        sub = mosquitto_sub(self.server, self.token, "CTI/acme/2",
                            extra=("-p", str(self.server.mqtts_port), "--cafile", self.cert))
        self.assertTrue(wait_subscribed(self.server, before), sub.stderr.read() if sub.poll() else "")
        answer = self.https_trigger("2")
        out, err = sub.communicate(timeout=10)
        self.assertEqual(json.loads(out.split(" ", 1)[1])["id"], answer["id"], err)

    def test_wss_with_paho(self):
        client = paho.Client(protocol=paho.MQTTv5, transport="websockets")
        client.ws_set_options(path="/mqtt")
        client.tls_set(ca_certs=self.cert)
        client.username_pw_set("agent", self.token)
        got = []
        client.on_message = lambda c, u, m: got.append(m.payload)
        subscribed = []
        client.on_subscribe = lambda *a: subscribed.append(True)
        client.connect("localhost", self.server.https_port)
        client.loop_start()
        try:
            client.subscribe("CTI/acme/3", qos=1)
            self.assertTrue(wait_until(lambda: subscribed))
            answer = self.https_trigger("3")
            self.assertTrue(wait_until(lambda: got))
            self.assertEqual(json.loads(got[0])["id"], answer["id"])
        finally:
            client.disconnect()
            client.loop_stop()

    def test_sse_over_https(self):
        url = f"https://127.0.0.1:{self.server.https_port}/api/subscribe?topic=CTI/acme/4"
        curl = subprocess.Popen(["curl", "-sN", "--cacert", self.cert, "-H", "Authorization: Bearer " + self.token, url],
                                stdout=subprocess.PIPE, text=True)
        try:
            self.assertTrue(wait_until(lambda: self.https_trigger("4")["delivered"] == 1))
            line = ""
            while not line.startswith("data:"):
                line = curl.stdout.readline()
            self.assertEqual(json.loads(line[len("data: "):])["agentId"], "4")
        finally:
            curl.kill()
            curl.wait()

    def test_plain_bytes_on_the_tls_port_are_dropped(self):
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                            f"http://127.0.0.1:{self.server.https_port}/healthz"], capture_output=True, text=True)
        self.assertEqual(r.stdout, "000")
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)


class TlsConfiguration(unittest.TestCase):
    def test_missing_key_file_fails_at_start_with_one_line(self):
        server = Server("--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key")
        try:
            server.start(wait=False)
            self.assertNotEqual(server.proc.wait(10), 0)
            self.assertTrue(wait_until(lambda: "tls_cert" in server.log_text()))
        finally:
            server.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
