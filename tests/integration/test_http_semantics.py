"""HTTP semantics a load balancer, an uptime checker and a browser rely on.

- HEAD (RFC 9110 9.3.2): every route answers with the header GET would get, Content-Length
  included, and no body, so the next answer on a keep-alive connection still parses. HEAD
  on a trigger route is 405 and publishes nothing (HEAD must have no side effects).
- CORS: a real preflight allows the headers a CRM page sends (Idempotency-Key, Popflow-Wait,
  X-CSRF-Token), and answers expose the ones it reads (Idempotent-Replayed, X-Request-Id).

Raw sockets where the exact bytes matter (a body after a HEAD answer would be silently
skipped by some clients and misread by others), http.client elsewhere.
"""
import json
import socket
import unittest
import urllib.parse

from harness import Server, ServerTest, Sse

TRIGGER = {"agentId": "1001", "event": "On Ring"}


def read_until_closed(port, data, timeout=5):
    """Sends `data` on one connection and returns every byte the server wrote until it closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split_answer(raw):
    """(status, {header: value}, rest): one answer's head, and every byte after it."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, raw
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, rest


def request_bytes(method, target, headers=None, close=False):
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Head(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.wait_for_key(cls.key)
        cls.token = cls.server.live_token("acme")

    def routes(self):
        """(target, headers) for every route the server answers without opening a stream."""
        bearer = {"Authorization": "Bearer " + self.token}
        return [
            ("/healthz", {}),
            ("/readyz", {}),
            ("/metrics", {}),
            ("/api/subscribe?topic=%23%2B", bearer),  # invalid filter: 400
            ("/api/subscribe?topic=CTI/acme/1001", {}),  # no token: 401
            ("/mqtt", {}),  # not an upgrade: 426
            ("/no/such/route", {}),
            ("/api/sendmessage/FAX", {}),
        ]

    def test_head_then_get_on_one_keep_alive_connection(self):
        # Step by step on one socket: HEAD, its header read, then GET. Not http.client: its
        # buffered reader can swallow a stray body with the HEAD answer and hide the bug.
        for target in ("/healthz", "/readyz", "/metrics"):
            with self.subTest(target=target), \
                    socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as sock:
                sock.sendall(request_bytes("HEAD", target))
                received = b""
                while b"\r\n\r\n" not in received:
                    chunk = sock.recv(65536)
                    self.assertTrue(chunk, "closed after HEAD")
                    received += chunk
                status, headers, after_head = split_answer(received)
                self.assertEqual(status, 200)
                self.assertNotIn("connection", headers)  # kept alive
                sock.sendall(request_bytes("GET", target, close=True))
                while chunk := sock.recv(65536):
                    after_head += chunk
                self.assertTrue(after_head.startswith(b"HTTP/1.1 200 "), after_head[:200])
                _, get_headers, body = split_answer(after_head)
                self.assertEqual(len(body), int(get_headers["content-length"]))
                if target == "/healthz":
                    self.assertEqual(json.loads(body), {"status": "ok"})

    def test_head_writes_no_body_and_the_content_length_of_get(self):
        for target, headers in self.routes():
            with self.subTest(target=target):
                raw = read_until_closed(self.server.port,
                                        request_bytes("HEAD", target, headers) +
                                        request_bytes("GET", target, headers, close=True))
                head_status, head_headers, rest = split_answer(raw)
                # What follows HEAD's header is the next answer, not a body.
                self.assertTrue(rest.startswith(b"HTTP/1.1 "), raw[:400])
                get_status, get_headers, get_body = split_answer(rest)
                self.assertEqual(head_status, get_status)
                self.assertEqual(head_headers.get("content-type"), get_headers.get("content-type"))
                self.assertEqual(len(get_body), int(get_headers["content-length"]))
                if target == "/metrics":
                    # The counters move between the two requests; the length is still GET's kind.
                    self.assertGreater(int(head_headers["content-length"]), 0)
                else:
                    self.assertEqual(head_headers["content-length"], get_headers["content-length"])
                    self.assertEqual(head_headers.get("allow"), get_headers.get("allow"))

    def test_head_on_subscribe_checks_the_token_and_opens_no_stream(self):
        target = "/api/subscribe?topic=CTI/acme/1001&topic=CTI/acme/%2B/1001"
        raw = read_until_closed(self.server.port,
                                request_bytes("HEAD", target, {"Authorization": "Bearer " + self.token}))
        status, headers, rest = split_answer(raw)
        self.assertEqual(status, 200, raw)
        self.assertEqual(headers["content-type"], "text/event-stream")
        self.assertEqual(headers["connection"], "close")
        self.assertEqual(headers["access-control-allow-origin"], "*")
        self.assertIn("x-request-id", headers)
        self.assertEqual(rest, b"")  # no ": subscribed", no heartbeat: the server closed
        # http.client knows a HEAD answer has no body, so it returns at once.
        r = self.server.request("HEAD", target, headers={"Authorization": "Bearer " + self.token})
        self.assertEqual((r.status, r.body), (200, ""))

    def test_head_on_a_trigger_is_refused_and_publishes_nothing(self):
        sse = Sse(self.server, ["CTI/acme/1001"], token=self.token)
        try:
            for channel in ("CTI", "crm"):
                query = urllib.parse.urlencode({**TRIGGER, "crmId": "c", "jwt": self.key, "event": "head"})
                raw = read_until_closed(self.server.port,
                                        request_bytes("HEAD", f"/api/sendmessage/{channel}?{query}", close=True))
                status, headers, rest = split_answer(raw)
                self.assertEqual(status, 405, raw)
                self.assertEqual(headers["allow"], "GET, POST, OPTIONS")
                self.assertGreater(int(headers["content-length"]), 0)
                self.assertEqual(rest, b"")
            # The first message the subscriber gets is the GET's: the HEADs published nothing.
            query = urllib.parse.urlencode({**TRIGGER, "jwt": self.key, "event": "get"})
            r = self.server.request("GET", "/api/sendmessage/CTI?" + query)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(json.loads(sse.next_message()["data"])["event"], "get")
        finally:
            sse.close()


ALLOWED_REQUEST_HEADERS = ("Content-Type", "Authorization", "Idempotency-Key", "Popflow-Wait", "X-CSRF-Token")
EXPOSED_RESPONSE_HEADERS = ("Idempotent-Replayed", "X-Request-Id", "Retry-After")


def header_list(value):
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


class Cors(ServerTest):
    ORIGIN = "https://crm.example.com"

    def preflight(self, server, path, origin=None):
        return server.request("OPTIONS", path, headers={
            "Origin": origin or self.ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key, popflow-wait, x-csrf-token"})

    def test_preflight_allows_the_headers_a_crm_page_sends(self):
        for path in ("/api/sendmessage/CRM", "/api/sendmessage/CTI", "/api/subscribe"):
            with self.subTest(path=path):
                r = self.preflight(self.server, path)
                self.assertEqual(r.status, 204, r)
                self.assertEqual(r.headers["access-control-allow-origin"], "*")
                self.assertLessEqual({"get", "post"}, header_list(r.headers["access-control-allow-methods"]))
                self.assertLessEqual({h.lower() for h in ALLOWED_REQUEST_HEADERS},
                                     header_list(r.headers["access-control-allow-headers"]))

    def test_answers_expose_the_headers_a_crm_page_reads(self):
        self.server.wait_for_key(self.key)
        headers = {"Origin": self.ORIGIN, "Authorization": "Bearer " + self.key,
                   "Content-Type": "application/json", "Idempotency-Key": "cors-1"}
        first = self.server.request("POST", "/api/sendmessage/CTI", json.dumps(TRIGGER), headers)
        retry = self.server.request("POST", "/api/sendmessage/CTI", json.dumps(TRIGGER), headers)
        self.assertEqual((first.status, retry.status), (200, 200), (first, retry))
        self.assertEqual(retry.headers["idempotent-replayed"], "true")
        for r in (first, retry):
            self.assertEqual(r.headers["access-control-allow-origin"], "*")
            self.assertLessEqual({h.lower() for h in EXPOSED_RESPONSE_HEADERS},
                                 header_list(r.headers["access-control-expose-headers"]))
        # Refusals too: a page reads X-Request-Id from an error as much as from a success.
        refused = self.server.request("POST", "/api/sendmessage/CTI", "{}",
                                      {"Origin": self.ORIGIN, "Content-Type": "application/json"})
        self.assertEqual(refused.status, 401, refused)
        self.assertIn("x-request-id", header_list(refused.headers["access-control-expose-headers"]))

    def test_configured_origins_get_the_headers_and_others_do_not(self):
        with Server("--cors-origins", self.ORIGIN) as server:
            allowed = self.preflight(server, "/api/sendmessage/CRM")
            self.assertEqual(allowed.headers["access-control-allow-origin"], self.ORIGIN)
            self.assertIn("idempotency-key", header_list(allowed.headers["access-control-allow-headers"]))
            other = self.preflight(server, "/api/sendmessage/CRM", origin="https://evil.example")
            self.assertNotIn("access-control-allow-origin", other.headers)
            self.assertNotIn("access-control-expose-headers", other.headers)
            answer = server.request("POST", "/api/sendmessage/CTI", "{}",
                                    {"Origin": self.ORIGIN, "Content-Type": "application/json"})
            self.assertEqual(answer.headers["access-control-allow-origin"], self.ORIGIN)
            self.assertIn("idempotent-replayed", header_list(answer.headers["access-control-expose-headers"]))


if __name__ == "__main__":
    unittest.main()
