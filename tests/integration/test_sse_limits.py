"""What one SSE client may hold: a slow reader's memory, and open streams per token and customer.

The slow-reader tests measure the server process's memory (/proc/PID/status) while streams
that never read, with a small receive buffer, are sent large triggers. Without a bound per
stream every stream keeps its own copy of every message; with it, each holds at most
sse_max_unsent_bytes of events (the messages themselves shared) and is closed beyond.
"""
import http.client
import json
import os
import socket
import unittest

from harness import Server, Sse, wait_until

CTI = "/api/sendmessage/CTI"
MiB = 1024 * 1024
# 7 fields of 8000 bytes: inside max_value_bytes, max_fields and max_body_bytes (~56 KB).
BIG = {f"field{i}": "x" * 8000 for i in range(7)}


def metric(server, name):
    for line in server.request("GET", "/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def proc_status_bytes(pid, field):
    """VmRSS, VmHWM, ... of a process, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def slow_stream(server, topic, token):
    """An SSE stream that is opened and then never read, with a 4 KB receive buffer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: sets the window
    sock.settimeout(10)
    sock.connect(("127.0.0.1", server.port))
    query = "topic=" + topic.replace("#", "%23").replace("+", "%2B")
    sock.sendall(f"GET /api/subscribe?{query} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    head = b""
    while b": subscribed\n\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError("stream refused: " + head.decode(errors="replace"))
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def read_to_end(sock):
    """Reads what the server had written, until it closes; True when it did close."""
    try:
        while sock.recv(65536):
            pass
        return True
    except OSError:  # a reset is a close too
        return True
    finally:
        sock.close()


class Triggers:
    """Triggers over one keep-alive connection (no new socket per trigger)."""

    def __init__(self, server):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def send(self, key, agent, **fields):
        body = json.dumps({"jwt": key, "agentId": agent, "event": "On Ring", **fields})
        self.conn.request("POST", CTI, body=body, headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        resp.read()
        return resp.status

    def close(self):
        self.conn.close()


class SlowReaders(unittest.TestCase):
    STREAMS = 20
    TRIGGERS = 300
    UNSENT = 1 * MiB

    @classmethod
    def setUpClass(cls):
        # Timelines keep the (large) messages under their own bounds (tested by TriggerHistory's
        # unit tests): off here, so the RSS measured is the streams' alone.
        cls.server = Server("--sse-max-unsent-bytes", str(cls.UNSENT), "--access-log=false",
                            "--trigger-history-max", "0")
        cls.server.customer("acme")
        cls.server.customer("beta")
        cls.key = cls.server.api_key("acme")
        cls.beta_key = cls.server.api_key("beta")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_slow_readers_memory_is_bounded_and_they_are_closed(self):
        server = self.server
        token = server.live_token("acme")
        server.wait_for_key(self.key)
        server.wait_for_key(self.beta_key)
        beta = Sse(server, ["CTI/beta/#"], server.live_token("beta"), timeout=30)
        streams = [slow_stream(server, "CTI/acme/#", token) for _ in range(self.STREAMS)]
        self.assertTrue(wait_until(lambda: metric(server, 'popflow_open_connections{kind="sse"}')
                                   == self.STREAMS + 1))
        pid = server.proc.pid
        rss_before = proc_status_bytes(pid, "VmRSS")

        triggers = Triggers(server)
        acme_statuses, beta_statuses = [], []
        for i in range(self.TRIGGERS):
            acme_statuses.append(triggers.send(self.key, "1001", seq=i, **BIG))
            if i % 10 == 0:
                beta_statuses.append(triggers.send(self.beta_key, "2002", seq=i))
        triggers.close()

        closed = wait_until(lambda: metric(server, 'popflow_sse_slow_consumers_total{limit="sse_max_unsent_bytes"}')
                            == self.STREAMS, timeout=30)
        peak = proc_status_bytes(pid, "VmHWM")  # the highest RSS the process ever had
        rss_after = proc_status_bytes(pid, "VmRSS")
        print(f"\nRSS before {rss_before / MiB:.1f} MiB, after {rss_after / MiB:.1f} MiB, "
              f"peak {peak / MiB:.1f} MiB, {self.STREAMS} slow streams, {self.TRIGGERS} triggers of 56 KB")

        # Every stream may hold sse_max_unsent_bytes of events at worst (messages shared, so
        # usually far less); 32 MiB is for the allocator and request buffers. Without the
        # bound each stream keeps every message: STREAMS x TRIGGERS x 56 KB (~330 MiB here).
        bound = self.STREAMS * self.UNSENT + 32 * MiB
        # AddressSanitizer keeps freed memory in its quarantine (256 MiB by default), so RSS says
        # nothing there: `make test` measures the bound; `make sanitize` checks the rest.
        if not os.environ.get("POPFLOW_SANITIZED"):
            self.assertLess(peak - rss_before, bound)
        self.assertTrue(closed, "the slow streams were not all closed as slow consumers")
        self.assertGreater(metric(server, "popflow_sse_dropped_total"), 0)
        self.assertTrue(wait_until(lambda: metric(server, 'popflow_open_connections{kind="sse"}') == 1))
        for sock in streams:
            self.assertTrue(read_to_end(sock))

        # Other customers' triggers were answered and delivered all along.
        self.assertEqual(set(acme_statuses), {200})
        self.assertEqual(set(beta_statuses), {200})
        for _ in beta_statuses:
            self.assertEqual(json.loads(beta.next_message()["data"])["customerId"], "beta")
        beta.close()


class QueueLimit(unittest.TestCase):
    """sse_queue_limit is a bound of its own: messages waiting, whatever their size."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--sse-queue-limit", "4", "--sse-max-unsent-bytes", str(1024 * MiB),
                            "--access-log=false")
        cls.server.customer("acme")
        cls.key = cls.server.api_key("acme")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_a_stream_over_the_queue_limit_is_closed_and_counted(self):
        server = self.server
        server.wait_for_key(self.key)
        sock = slow_stream(server, "CTI/acme/#", server.live_token("acme"))
        name = 'popflow_sse_slow_consumers_total{limit="sse_queue_limit"}'
        triggers = Triggers(server)
        # The kernel's socket buffers take a few MB before anything waits in the server.
        for i in range(20):
            for _ in range(20):
                self.assertEqual(triggers.send(self.key, "1001", **BIG), 200)
            if metric(server, name) == 1:
                break
        triggers.close()
        self.assertEqual(metric(server, name), 1)
        self.assertTrue(wait_until(lambda: metric(server, 'popflow_open_connections{kind="sse"}') == 0))
        self.assertTrue(read_to_end(sock))
        # The server's log is read by another thread of this test: the line may come a moment
        # after the metric (the flake of a loaded ctest -j2).
        self.assertTrue(wait_until(lambda: any(
            e.get("msg") == "sse stream closed: subscriber too slow" and e.get("limit") == "sse_queue_limit"
            for e in server.logs())))


class StreamCaps(unittest.TestCase):
    """sse_max_streams_per_token and sse_max_streams_per_customer, counted across event loops."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--sse-max-streams-per-token", "2", "--sse-max-streams-per-customer", "3",
                            "--threads", "2")
        cls.server.customer("acme")
        cls.server.customer("beta")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def assert_refused(self, sse, limit):
        self.assertEqual(sse.status, 429, sse.error_body)
        problem = json.loads(sse.error_body)
        self.assertEqual(problem["code"], "too_many_streams")
        self.assertIn(limit, problem["message"])

    def test_streams_per_token_and_per_customer(self):
        server = self.server
        first, second = server.live_token("acme"), server.live_token("acme")
        refused_token = 'popflow_sse_streams_refused_total{limit="sse_max_streams_per_token"}'
        refused_customer = 'popflow_sse_streams_refused_total{limit="sse_max_streams_per_customer"}'

        a1, a2 = Sse(server, ["CTI/acme/1"], first), Sse(server, ["CTI/acme/2"], first, token_in_query=True)
        self.assertEqual((a1.status, a2.status), (200, 200))
        self.assert_refused(Sse(server, ["CTI/acme/3"], first), "sse_max_streams_per_token")
        self.assertEqual(metric(server, refused_token), 1)

        b1 = Sse(server, ["CTI/acme/4"], second)
        self.assertEqual(b1.status, 200, "another token of the customer has its own count")
        self.assert_refused(Sse(server, ["CTI/acme/5"], second), "sse_max_streams_per_customer")
        self.assertEqual(metric(server, refused_customer), 1)

        c1 = Sse(server, ["CTI/beta/1"], server.live_token("beta"))
        self.assertEqual(c1.status, 200, "another customer has its own count")

        # A stream that ends gives its place back (on whichever loop it ran).
        a1.close()
        reopened = wait_until(lambda: (lambda s: s if s.status == 200 else None)(Sse(server, ["CTI/acme/6"], first)))
        self.assertTrue(reopened)
        for sse in (a2, b1, c1, reopened):
            sse.close()
        # A refused stream holds nothing: once all are closed, the full quota is there again.
        self.assertTrue(wait_until(lambda: metric(server, 'popflow_open_connections{kind="sse"}') == 0))
        again = [Sse(server, ["CTI/acme/7"], t) for t in (first, first, second)]
        self.assertEqual([s.status for s in again], [200, 200, 200])
        for sse in again:
            sse.close()


if __name__ == "__main__":
    unittest.main()
