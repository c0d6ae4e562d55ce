"""Starts the real popflow-connect binary on free ports with a temporary data dir.

Tests talk to it over real sockets with the standard library (http.client) and curl;
nothing here reimplements the server. POPFLOW_BIN names the binary (CTest sets it).
"""
import base64
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("POPFLOW_BIN", os.path.join(os.path.dirname(__file__), "../../build/src/app/popflow-connect"))


def self_signed_certificate(directory):
    """A certificate for localhost and 127.0.0.1 and its key, made by openssl in `directory`."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def wait_until(predicate, timeout=5.0, interval=0.02):
    """Polls `predicate` until it returns something truthy; returns that or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Server:
    """One server process. Use as a context manager or call start()/stop()."""

    def __init__(self, *args, data_dir=None, env=None):
        self.args = list(args)
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="popflow-it-")
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.lines = []
        self.port = None
        self.mqtt_port = None
        self._listening = threading.Event()
        self._reported = False

    # --- admin commands (the same binary, same data dir and environment: POPFLOW_STORE) ---
    def cli(self, *args):
        out = self.cli_result(*args)
        if out.returncode != 0:
            raise AssertionError(f"cli {args} failed ({out.returncode}): {out.stderr}")
        return out.stdout.strip()

    def cli_result(self, *args, **kw):
        return subprocess.run([BIN, "--data-dir", self.data_dir, *args], capture_output=True, text=True, timeout=30,
                              env=self.env, **kw)

    def customer(self, customer_id):
        self.cli("customer", "add", customer_id)
        return customer_id

    def api_key(self, customer, *args):
        return self.cli("key", "create", "--customer", customer, *args)

    def client_token(self, customer, *args):
        return self.cli("token", "create", "--customer", customer, *args)

    # --- the server process ---
    def start(self, wait=True):
        # Free ports and a fast poll, unless the test gives its own (a flag may be given only once).
        # No load shedding: on a machine starved by the tests running beside it a loop can lag
        # past overload_lag, and a functional test would get 503 overloaded instead of what it
        # checks (seen at the start of a ctest -j2); test_operations tests the shedding itself.
        defaults = {"--http": "127.0.0.1:0", "--mqtt": "127.0.0.1:0", "--revocation-poll": "100ms",
                    "--overload-lag": "0"}
        own = [part for flag, value in defaults.items() if flag not in self.args for part in (flag, value)]
        cmd = [BIN, "serve", "--data-dir", self.data_dir, *own, *self.args]
        self._listening.clear()  # a restart: wait for this process's "listening", not the last one's
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=self.env, text=True)
        self._reader = threading.Thread(target=self._read_logs, daemon=True)
        self._reader.start()
        if wait and not self._listening.wait(10):
            self.stop()
            raise AssertionError("server did not start:\n" + self.log_text())
        return self

    def _read_logs(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "listening":
                self.port = int(entry["http"].rsplit(":", 1)[1])
                self.mqtt_port = int(entry["mqtt"].rsplit(":", 1)[1])
                if "https" in entry:
                    self.https_port = int(entry["https"].rsplit(":", 1)[1])
                    self.mqtts_port = int(entry["mqtts"].rsplit(":", 1)[1])
                self._listening.set()

    def log_text(self):
        return "".join(self.lines)

    def logs(self):
        out = []
        for line in list(self.lines):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # Under `make sanitize`/`make tsan` a report ends the server: show it with the test.
        if self.proc and self.proc.poll() is not None:
            self._reader.join(2)
        if self.proc and "Sanitizer" in self.log_text() and not self._reported:
            self._reported = True
            sys.stderr.write("\n--- server log (sanitizer report) ---\n" + self.log_text()[-20000:])
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # --- HTTP ---
    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                headers = {"Content-Type": "application/json", **(headers or {})}
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode())
        finally:
            conn.close()

    def post_json(self, path, fields, headers=None):
        return self.request("POST", path, body=fields, headers=headers)

    def wait_for_key(self, key):
        """New keys reach a running server at the next registry refresh (100 ms here)."""
        def known():
            r = self.post_json("/api/sendmessage/CTI", {"jwt": key})
            return r.json()["code"] != "unknown_key"
        assert wait_until(known), "key never became known"

    def wait_for_token(self, token):
        def known():
            # An invalid filter: 400 once the token is known, 401 unknown_key before.
            r = self.request("GET", "/api/subscribe?topic=%23%2B", headers={"Authorization": "Bearer " + token})
            return r.status != 401 or r.json()["code"] != "unknown_key"
        assert wait_until(known), "token never became known"

    def live_token(self, customer, *args):
        """A client token the running server already knows."""
        token = self.client_token(customer, *args)
        if self.proc:
            self.wait_for_token(token)
        return token


class Sse:
    """A Server-Sent Events client on a raw http.client connection."""

    def __init__(self, server, topics, token=None, token_in_query=False, timeout=5):
        query = "&".join("topic=" + t.replace("#", "%23").replace("+", "%2B") for t in topics)
        headers = {"Accept": "text/event-stream"}
        if token is not None and token_in_query:
            query += "&token=" + token
        elif token is not None:
            headers["Authorization"] = "Bearer " + token
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        self.conn.request("GET", "/api/subscribe?" + query, headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.error_body = None if self.status == 200 else self.resp.read().decode()
        if self.status != 200:
            self.conn.close()
        if self.status == 200:
            # The server writes ": subscribed" once the subscription is in the router.
            assert self.resp.fp.readline().startswith(b": subscribed")
            self.resp.fp.readline()

    def next_event(self):
        """The next event as a dict of its fields ("id", "data", "event"); comments skipped."""
        event = {}
        while True:
            line = self.resp.fp.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\n")
            if line == "":
                if event:
                    return event
                continue
            if line.startswith(":"):
                event.setdefault("comments", []).append(line)
                continue
            name, _, value = line.partition(": ")
            event[name] = value

    def next_message(self):
        while True:
            event = self.next_event()
            if "data" in event:
                return event

    def close(self):
        self.resp.close()  # the response holds its own reference to the socket
        self.conn.close()


def forge(token, header=None, claims=None, signature=None):
    """Re-encodes a JWT with a changed header/claims, keeping (or replacing) the signature."""
    def dec(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    def enc(obj):
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()

    h, c, s = token.split(".")
    new_h = dec(h)
    new_h.update(header or {})
    new_c = dec(c)
    new_c.update(claims or {})
    return ".".join([enc(new_h), enc(new_c), s if signature is None else signature])


class ServerTest(unittest.TestCase):
    """A fresh server per test class with customer "acme" and an API key for it."""

    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.extra_args)
        cls.server.customer("acme")
        cls.key = cls.server.api_key("acme")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
