"""Request framing a hostile client (or a proxy that frames differently) can abuse (RFC 9112).

A request whose body two readers could frame differently smuggles a second request past the
first of them. Each case below hides a trigger where the body would be: the answer must be the
refusal RFC 9112 asks for, the connection closed where it must be, and the hidden trigger never
published (popflow_messages_published_total unchanged).

- Transfer-Encoding whose last coding is not chunked: 400, close (6.3). A coding we do not
  decode: 501, close (6.1). HTTP/1.0 with Transfer-Encoding: answered, then closed (6.1).
- obs-fold (5.2): 400, close. Host missing in HTTP/1.1 or repeated: 400 (3.2).
- A request that stops arriving gets 408 before the close; an idle connection just closes.
- A chunk line ending in a bare LF: 400 at once (not a wait for a CRLF that never comes).
- Expect: 100-continue gets "100 Continue" before the body is sent; other expectations 417.
- Empty lines before a request line are ignored (2.2).

Raw sockets: no client library sends these bytes.
"""
import json
import re
import socket
import subprocess
import unittest
import urllib.parse

from harness import ServerTest, Sse

READ_TIMEOUT_S = 0.5


def hidden_trigger(key, event="smuggled"):
    query = urllib.parse.urlencode({"agentId": "1001", "event": event, "jwt": key})
    return f"GET /api/sendmessage/CTI?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


def parse_answers(raw):
    """[(status, {header: value}, body)] for every answer in `raw` (100 Continue included)."""
    answers = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            raise AssertionError(f"incomplete answer: {raw!r}")
        lines = head.decode().split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", 0))
        answers.append((int(lines[0].split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return answers


class Framing(ServerTest):
    extra_args = ("--read-timeout", f"{int(READ_TIMEOUT_S * 1000)}ms", "--idle-timeout", "2s")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.wait_for_key(cls.key)

    def published(self):
        text = self.server.request("GET", "/metrics").body
        return int(re.search(r"^popflow_messages_published_total (\d+)$", text, re.M).group(1))

    def exchange(self, data, timeout=5):
        """Sends `data`, reads until the server closes or `timeout`: (answers, closed)."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout) as sock:
            sock.sendall(data)
            chunks, closed = [], False
            try:
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
                closed = True
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
        return parse_answers(b"".join(chunks)), closed

    def assert_refused(self, data, status, code, timeout=3):
        """`data` gets one answer, `status` with `code`, the connection closes, nothing published."""
        before = self.published()
        answers, closed = self.exchange(data, timeout=timeout)
        self.assertEqual([a[0] for a in answers], [status], answers)
        self.assertEqual(json.loads(answers[0][2])["code"], code, answers)
        self.assertEqual(answers[0][1].get("connection"), "close", answers)
        self.assertTrue(closed, "the connection stayed open")
        self.assertEqual(self.published(), before, "the hidden trigger was published")

    def test_last_coding_not_chunked_is_400_and_its_body_never_runs(self):
        for coding in ("xchunked", "chunked, identity", "identity", "gzip", "chunked;x=y, gzip"):
            with self.subTest(coding=coding):
                self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " +
                                    coding.encode() + b"\r\n\r\n" + hidden_trigger(self.key),
                                    400, "transfer_encoding_not_chunked")

    def test_last_coding_not_chunked_with_content_length_is_400(self):
        body = hidden_trigger(self.key)
        self.assert_refused(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                            b"Content-Length: %d\r\n\r\n" % len(body) + body,
                            400, "transfer_encoding_not_chunked")

    def test_a_coding_we_do_not_decode_is_501(self):
        for lines in (b"Transfer-Encoding: gzip, chunked\r\n",
                      b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"):
            with self.subTest(lines=lines):
                self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n0\r\n\r\n" +
                                    hidden_trigger(self.key), 501, "unsupported_transfer_coding")

    def test_chunked_twice_is_400(self):
        self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                            b"0\r\n\r\n" + hidden_trigger(self.key), 400, "chunked_not_last")

    def test_http10_with_transfer_encoding_closes_after_its_answer(self):
        before = self.published()
        answers, closed = self.exchange(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n"
                                        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden_trigger(self.key))
        self.assertEqual([a[0] for a in answers], [200], answers)
        self.assertNotEqual(answers[0][1].get("connection"), "keep-alive")  # an HTTP/1.0 answer: close
        self.assertTrue(closed)
        self.assertEqual(self.published(), before)

    def test_obs_fold_is_400(self):
        self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\n\r\n", 400, "obs_fold")

    def test_obs_fold_on_content_length_is_400_and_publishes_nothing(self):
        body = json.dumps({"jwt": self.key, "agentId": "1001", "event": "folded"}).encode()
        self.assert_refused(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length:\r\n\t%d\r\n\r\n" % len(body) + body, 400, "obs_fold")

    def test_host_missing_or_repeated_is_400(self):
        self.assert_refused(b"GET /healthz HTTP/1.1\r\n\r\n", 400, "missing_host")
        self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate_host")
        self.assert_refused(b"GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "bad_host")
        # HTTP/1.0 needs none.
        answers, _ = self.exchange(b"GET /healthz HTTP/1.0\r\n\r\n")
        self.assertEqual([a[0] for a in answers], [200])

    def test_a_request_that_stops_arriving_gets_408(self):
        answers, closed = self.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n", timeout=READ_TIMEOUT_S * 8)
        self.assertEqual([a[0] for a in answers], [408], answers)
        self.assertEqual(json.loads(answers[0][2])["code"], "request_timeout")
        self.assertTrue(closed)

    def test_a_body_that_stops_arriving_gets_408(self):
        answers, closed = self.exchange(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\n"
                                        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
                                        timeout=READ_TIMEOUT_S * 8)
        self.assertEqual([a[0] for a in answers], [408], answers)
        self.assertTrue(closed)

    def test_an_idle_connection_closes_without_an_answer(self):
        answers, closed = self.exchange(b"", timeout=6)
        self.assertEqual(answers, [])
        self.assertTrue(closed)

    def test_bare_lf_chunk_line_is_400_at_once(self):
        # Before the read timeout (which would be 408): nothing waits for a CRLF that never comes.
        for body in (b"5\nhello\n0\n\n", b"5\r\nhello\r\n0\n\n", b"5;ext=1\n"):
            with self.subTest(body=body):
                self.assert_refused(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\n"
                                    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
                                    400, "bare_lf")

    def test_expect_100_continue_gets_100_before_the_body(self):
        body = json.dumps({"jwt": self.key, "agentId": "1001", "event": "continued"}).encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as sock:
            sock.sendall(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
            interim = sock.recv(4096)  # before a byte of the body is sent
            self.assertEqual(interim, b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(body)
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        self.assertEqual([a[0] for a in parse_answers(raw)], [200], raw)

    def test_curl_with_expect_100_continue_gets_it(self):
        sse = Sse(self.server, ["CTI/acme/1001"], token=self.server.live_token("acme"))
        try:
            body = json.dumps({"jwt": self.key, "agentId": "1001", "event": "curl"})
            result = subprocess.run(
                ["curl", "-sv", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect: 100-continue",
                 "-H", "Content-Type: application/json", "--data-binary", body,
                 f"http://127.0.0.1:{self.server.port}/api/sendmessage/CTI"],
                capture_output=True, text=True, timeout=30)
            self.assertEqual(result.stdout, "200", result.stderr)
            self.assertIn("< HTTP/1.1 100 Continue", result.stderr)
            self.assertEqual(json.loads(sse.next_message()["data"])["event"], "curl")
        finally:
            sse.close()

    def test_unknown_expectation_is_417(self):
        self.assert_refused(b"POST /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}",
                            417, "unsupported_expectation")

    def test_empty_lines_before_a_request_line_are_ignored(self):
        answers, closed = self.exchange(b"\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                        b"\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual([a[0] for a in answers], [200, 200], answers)
        self.assertTrue(closed)

    def test_an_empty_line_after_a_request_leaves_the_connection_idle(self):
        # Not a request that started arriving: closed at the idle timeout, without a 408.
        answers, closed = self.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\r\n", timeout=6)
        self.assertEqual([a[0] for a in answers], [200], answers)
        self.assertTrue(closed)


if __name__ == "__main__":
    unittest.main()
