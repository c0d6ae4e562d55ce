"""mqtt.js (npm `mqtt` v5) over WebSocket at /mqtt, as a CRM page's client app uses it.

The Node tests run tests/integration/js/subscribe.mjs; the browser test loads js/browser.html
(mqtt.js's browser bundle) in headless Chromium. Both need `npm ci` in tests/integration/js
(`npm ci --prefix tests/integration/js` from the repository root); the browser test also
needs Chromium (`apt-get install -y chromium`). Whatever is missing is skipped, saying so.
"""
import http.server
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

from harness import Server, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
JS_DIR = os.path.join(HERE, "js")
SUBSCRIBE = os.path.join(JS_DIR, "subscribe.mjs")
NODE = shutil.which("node")
MQTT_JS = os.path.join(JS_DIR, "node_modules", "mqtt", "package.json")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_HINT = "run `npm ci --prefix tests/integration/js` (needs node and npm)"

CTI = "/api/sendmessage/CTI"
RECEIVED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REFUSED = {5: 0x87, 4: 0x80}  # SUBACK for a filter the token may not use


def mqtt_js_missing():
    if not NODE:
        return "node is not installed"
    if not os.path.exists(MQTT_JS):
        return "mqtt.js is not installed: " + INSTALL_HINT
    return None


class JsSubscriber:
    """One `node subscribe.mjs` process: an mqtt.js client over WebSocket."""

    def __init__(self, server, token, topics, count, version=5, timeout_ms=8000, client_id=None):
        args = [NODE, SUBSCRIBE, f"ws://127.0.0.1:{server.port}/mqtt", token, ",".join(topics), str(count),
                str(version), str(timeout_ms)]
        if client_id:
            args.append(client_id)
        self.proc = subprocess.Popen(args, cwd=JS_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)  # end of output

    def next(self, timeout=10):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("mqtt.js printed nothing in time; stderr: " + self.stderr) from None
        if line is None:
            self.proc.wait(5)
            raise AssertionError(f"mqtt.js exited ({self.proc.returncode}): {self.proc.stderr.read()}")
        return line

    def subscribed(self):
        """Waits for CONNACK and SUBACK; returns SUBACK's list (granted QoS or reason codes)."""
        connected = self.next()
        assert "connected" in connected, connected
        suback = self.next()
        assert "subscribed" in suback, suback
        return suback["subscribed"]

    def finish(self, timeout=15):
        """Waits for the exit; returns (exit status, message lines)."""
        code = self.proc.wait(timeout)
        self.stderr = self.proc.stderr.read()
        rest = []
        while (line := self.lines.get(timeout=5)) is not None:
            rest.append(line)
        return code, rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


class MqttJsServerTest(unittest.TestCase):
    """A server with customers acme and beta, an API key each."""

    @classmethod
    def setUpClass(cls):
        missing = mqtt_js_missing()
        if missing:
            raise unittest.SkipTest(missing)
        cls.server = Server()
        cls.server.customer("acme")
        cls.server.customer("beta")
        cls.key = cls.server.api_key("acme")
        cls.beta_key = cls.server.api_key("beta")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def setUp(self):
        self.subscribers = []

    def tearDown(self):
        for sub in self.subscribers:
            sub.kill()

    def subscriber(self, token, topics, count, version=5, **kw):
        sub = JsSubscriber(self.server, token, topics, count, version, **kw)
        self.subscribers.append(sub)
        return sub

    def trigger(self, agent, key=None, **fields):
        r = self.server.post_json(CTI, {"agentId": agent, "jwt": key or self.key, "event": "On Ring", **fields})
        self.assertEqual(r.status, 200, r)
        return r.json()


class NodeClient(MqttJsServerTest):
    def test_a_trigger_reaches_mqtt_js(self):
        """The exact message JSON arrives over WebSocket, for MQTT 5.0 and 3.1.1."""
        for version, agent in ((5, "1001"), (4, "1002")):
            with self.subTest(protocol=version):
                token = self.server.live_token("acme", "--agent", agent)
                sub = self.subscriber(token, [f"CTI/acme/{agent}", f"CTI/acme/+/{agent}"], 2, version,
                                      client_id=f"crm-page-{agent}")
                self.assertEqual(sub.subscribed(), [1, 1])
                first = self.trigger(agent, ani="5551234567", dnis="8005550100", queue=7, vip=True, extra=None)
                second = self.trigger(agent, ctiId="env-1", event="On Answer", tags=["a", "b"], nested={"x": 1})
                code, got = sub.finish()
                self.assertEqual(code, 0, sub.stderr)
                self.assertEqual([m["topic"] for m in got], [f"CTI/acme/{agent}", f"CTI/acme/env-1/{agent}"])
                self.assertEqual([m["topic"] for m in got], [first["topic"], second["topic"]])
                self.assertEqual([m["qos"] for m in got], [1, 1])
                self.assertEqual([m["retain"] for m in got], [False, False])
                for m in got:
                    self.assertRegex(m["payload"]["receivedAt"], RECEIVED_AT)
                self.assertEqual(got[0]["payload"], {
                    "id": first["id"], "channel": "CTI", "customerId": "acme", "agentId": agent,
                    "event": "On Ring", "receivedAt": got[0]["payload"]["receivedAt"],
                    "data": {"ani": "5551234567", "dnis": "8005550100", "queue": 7, "vip": True, "extra": None}})
                self.assertEqual(got[1]["payload"], {
                    "id": second["id"], "channel": "CTI", "customerId": "acme", "agentId": agent,
                    "event": "On Answer", "ctiId": "env-1", "receivedAt": got[1]["payload"]["receivedAt"],
                    "data": {"tags": ["a", "b"], "nested": {"x": 1}}})
                self.assertNotIn(self.key, json.dumps(got))

    def test_b_agent_token_is_limited_to_its_agent(self):
        """An agent-limited token: CTI/acme/# refused in SUBACK, CTI/acme/+/1001 granted."""
        for version in (5, 4):
            with self.subTest(protocol=version):
                agent = f"30{version}1"
                token = self.server.live_token("acme", "--agent", agent)
                sub = self.subscriber(token, ["CTI/acme/#", f"CTI/acme/+/{agent}", "CTI/acme/+/9999", "CTI/acme/9999"],
                                      1, version)
                self.assertEqual(sub.subscribed(), [REFUSED[version], 1, REFUSED[version], REFUSED[version]])
                # Another agent's trigger reaches nobody (the refused filters were not granted after all) ...
                other = self.trigger("9999", ctiId="env-2")
                self.assertEqual(other["delivered"], 0, other)
                # ... and the own agent's arrives, first (it would queue behind a leaked one).
                own = self.trigger(agent, ctiId="env-2")
                self.assertEqual(own["delivered"], 1, own)
                code, got = sub.finish()
                self.assertEqual(code, 0, sub.stderr)
                self.assertEqual([(m["topic"], m["payload"]["id"]) for m in got], [(own["topic"], own["id"])])

    def test_c_other_customer_never_receives(self):
        """A client token of customer beta gets nothing of acme's, whatever it subscribes to."""
        for version in (5, 4):
            with self.subTest(protocol=version):
                agent = f"40{version}1"
                beta = self.subscriber(self.server.live_token("beta"),
                                       [f"CTI/acme/{agent}", "CTI/acme/#", "#", "CTI/#", f"CTI/+/{agent}",
                                        f"+/+/{agent}", f"CTI/beta/{agent}"], 1, version)
                r = REFUSED[version]
                self.assertEqual(beta.subscribed(), [r, r, r, r, r, r, 1])
                acme = self.subscriber(self.server.live_token("acme"), [f"CTI/acme/{agent}"], 1, version)
                self.assertEqual(acme.subscribed(), [1])
                acme_msg = self.trigger(agent, secret="acme-only")
                self.assertEqual(acme_msg["delivered"], 1, "only acme's own client counts: %r" % acme_msg)
                code, got = acme.finish()
                self.assertEqual((code, [m["payload"]["id"] for m in got]), (0, [acme_msg["id"]]), acme.stderr)
                # beta's client is alive and gets beta's trigger, and nothing before it.
                beta_msg = self.trigger(agent, key=self.beta_key)
                self.assertEqual(beta_msg["topic"], f"CTI/beta/{agent}")
                self.assertEqual(beta_msg["delivered"], 1, beta_msg)
                code, got = beta.finish()
                self.assertEqual(code, 0, beta.stderr)
                self.assertEqual([m["payload"]["id"] for m in got], [beta_msg["id"]])
                self.assertNotIn("acme-only", json.dumps(got))

    def test_d_delivered_counts_mqtt_js_sessions(self):
        """"delivered" counts each mqtt.js session; 0 with warnings once they are gone."""
        agent = "5001"
        token = self.server.live_token("acme", "--agent", agent)
        subs = [self.subscriber(token, [f"CTI/acme/{agent}"], 1, 5, client_id="d-v5"),
                self.subscriber(token, [f"CTI/acme/+/{agent}", f"CTI/acme/{agent}"], 1, 4, client_id="d-v4")]
        self.assertEqual(subs[0].subscribed(), [1])
        self.assertEqual(subs[1].subscribed(), [1, 1])
        r = self.trigger(agent)
        self.assertEqual(r["delivered"], 2, r)
        # No subscription hint (this customer publishes no workflow: that warning stays).
        self.assertFalse([w for w in r.get("warnings", []) if "subscribe" in w], r)
        for sub in subs:
            code, got = sub.finish()
            self.assertEqual(code, 0, sub.stderr)
            self.assertEqual([m["payload"]["id"] for m in got], [r["id"]])
        # Both clients sent DISCONNECT with a clean session: nothing counts any more.
        self.assertTrue(wait_until(lambda: self.trigger(agent)["delivered"] == 0, timeout=3))
        r = self.trigger(agent)
        self.assertEqual(r["delivered"], 0)
        self.assertTrue([w for w in r.get("warnings", []) if "subscribe" in w], r)


class _Reports(http.server.SimpleHTTPRequestHandler):
    """Serves tests/integration/js/ and collects the page's POST /report lines."""

    def __init__(self, *args, **kw):
        super().__init__(*args, directory=JS_DIR, **kw)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/report":
            self.server.reports.put(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@unittest.skipUnless(CHROMIUM, "chromium is not installed (apt-get install -y chromium)")
class BrowserClient(MqttJsServerTest):
    """mqtt.js's browser bundle in headless Chromium, on a page from another origin."""

    def setUp(self):
        super().setUp()
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Reports)
        self.http.reports = queue.Queue()
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.profile = tempfile.mkdtemp(prefix="popflow-chromium-")
        self.browser = None
        self.seen = []

    def tearDown(self):
        if self.browser and self.browser.poll() is None:
            os.killpg(self.browser.pid, signal.SIGKILL)  # its own process group, started below
        if self.browser:
            self.browser.wait()
        self.http.shutdown()
        self.http.server_close()
        shutil.rmtree(self.profile, ignore_errors=True)
        super().tearDown()

    def report(self, timeout=20):
        try:
            self.seen.append(self.http.reports.get(timeout=timeout))
            return self.seen[-1]
        except queue.Empty:
            raise AssertionError("the page reported nothing more in time; so far: %r" % self.seen) from None

    def test_browser_page_fires_and_receives_a_crm_trigger(self):
        agent, crm = "6001", "crm.example.com"
        token = self.server.live_token("acme", "--agent", agent)
        fragment = urllib.parse.urlencode({
            "ws": f"ws://127.0.0.1:{self.server.port}/mqtt", "api": self.server.base_url, "token": token,
            "key": self.key, "topics": f"CRM/acme/+/{agent},CRM/acme/#", "crmId": crm, "agentId": agent, "v": 5,
        })  # URLSearchParams reads a bare "+" as a space
        url = f"http://127.0.0.1:{self.http.server_address[1]}/browser.html#{fragment}"
        self.browser = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--user-data-dir=" + self.profile, url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        connected = self.report()
        self.assertTrue(connected.get("connected"), connected)
        self.assertIn("Chrome", connected["userAgent"])
        suback = self.report()
        self.assertEqual(suback.get("subscribed"), [1, 0x87], suback)
        # The page's fetch() of the Connect API (cross-origin, preflighted) and the message it
        # caused arrive in either order.
        got = [self.report(), self.report()]
        trigger = next((g["trigger"] for g in got if "trigger" in g), None)
        message = next((g for g in got if "topic" in g), None)
        self.assertIsNotNone(trigger, got)
        self.assertEqual(trigger["status"], 200, trigger)
        self.assertEqual(trigger["body"]["delivered"], 1, trigger)
        self.assertIsNotNone(message, got)
        self.assertEqual(message["topic"], f"CRM/acme/{crm}/{agent}")
        self.assertEqual(message["qos"], 1)
        self.assertEqual(message["payload"], {
            "id": trigger["body"]["id"], "channel": "CRM", "customerId": "acme", "agentId": agent,
            "event": "On Click", "crmId": crm, "receivedAt": message["payload"]["receivedAt"],
            "data": {"caseId": 42, "source": "browser"}})


if __name__ == "__main__":
    unittest.main()
