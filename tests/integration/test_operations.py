"""Health, metrics, logs, configuration, timeouts, limits and graceful shutdown."""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import Server, ServerTest, Sse, wait_until

CTI = "/api/sendmessage/CTI"


class HealthAndMetrics(ServerTest):
    def test_healthz_and_readyz(self):
        self.assertEqual(self.server.request("GET", "/healthz").json(), {"status": "ok"})
        self.assertEqual(self.server.request("GET", "/readyz").status, 200)
        self.assertEqual(self.server.request("POST", "/healthz").status, 405)

    def metric(self, name):
        text = self.server.request("GET", "/metrics").body
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return None

    def test_metrics_count_requests_deliveries_and_auth_failures(self):
        published = self.metric("popflow_messages_published_total")
        failures = self.metric('popflow_auth_failures_total{reason="malformed_key"}')
        self.server.post_json(CTI, {"jwt": self.key, "agentId": "1", "event": "e"})
        self.server.post_json(CTI, {"jwt": "garbage", "agentId": "1", "event": "e"})
        self.assertEqual(self.metric("popflow_messages_published_total"), published + 1)
        self.assertEqual(self.metric('popflow_auth_failures_total{reason="malformed_key"}'), failures + 1)
        self.assertGreaterEqual(self.metric('popflow_http_requests_total{route="cti",status="200"}'), 1)
        self.assertGreaterEqual(self.metric('popflow_http_requests_total{route="cti",status="401"}'), 1)
        self.assertGreaterEqual(self.metric("popflow_trigger_duration_seconds_count"), 2)
        self.assertGreaterEqual(self.metric('popflow_open_connections{kind="http"}'), 1)

    def test_sse_connections_are_counted(self):
        sse = Sse(self.server, ["CTI/acme/9"], self.server.live_token("acme"))
        self.assertEqual(self.metric('popflow_open_connections{kind="sse"}'), 1)
        sse.close()
        self.assertTrue(wait_until(lambda: self.metric('popflow_open_connections{kind="sse"}') == 0))


class Logs(ServerTest):
    def test_request_log_has_the_fields_and_never_the_key(self):
        token = self.server.live_token("acme")
        self.server.post_json(CTI, {"jwt": self.key, "agentId": "1001", "event": "On Ring"})
        self.server.request("GET", f"{CTI}?jwt={self.key}&agentId=1002&event=On+Answer")
        self.server.request("GET", f"{CTI}?jwt={self.key}x&agentId=1003&event=e")
        self.server.request("POST", CTI, "{}", {"Authorization": "Bearer " + self.key + "y",
                                                "Content-Type": "application/json"})
        sse = Sse(self.server, ["CTI/acme/1"], token, token_in_query=True)
        sse.close()
        self.assertTrue(wait_until(lambda: len([e for e in self.server.logs() if e.get("msg") == "request"]) >= 5))
        entries = [e for e in self.server.logs() if e.get("msg") == "request" and e.get("route") == "cti"]
        ok = [e for e in entries if e["status"] == 200]
        self.assertEqual({e["agent"] for e in ok}, {"1001", "1002"})
        for entry in ok:
            for field in ["request_id", "customer", "agent", "event", "status", "latency_us", "message_id"]:
                self.assertIn(field, entry)
        text = self.server.log_text()
        for secret in [self.key, token, self.key.split(".")[2], token.split(".")[2]]:
            self.assertNotIn(secret, text)


class Configuration(unittest.TestCase):
    def test_flags_beat_environment_beat_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write("max_body_bytes = 1000\nmax_value_bytes = 100000\n")
        body = json.dumps({"agentId": "1", "event": "e", "pad": "x" * 1500})
        try:
            for args, env, expect in [((), {}, 413),
                                      ((), {"POPFLOW_MAX_BODY_BYTES": "2000"}, 200),
                                      (("--max-body-bytes", "1200"), {"POPFLOW_MAX_BODY_BYTES": "2000"}, 413)]:
                server = Server("--config", f.name, *args, env=env)
                server.customer("acme")
                key = server.api_key("acme")
                with server:
                    r = server.request("POST", CTI, body, {"Content-Type": "application/json",
                                                           "Authorization": "Bearer " + key})
                    self.assertEqual(r.status, expect, (args, env, r))
        finally:
            os.unlink(f.name)

    def test_bad_configuration_fails_with_one_line(self):
        server = Server("--max-body-bytes", "lots")
        try:
            server.start(wait=False)
            self.assertNotEqual(server.proc.wait(10), 0)
            # The harness's reader thread owns stderr: it has all of it once it meets its end.
            server._reader.join(10)
            self.assertIn("max_body_bytes", server.log_text())
        finally:
            server.__exit__(None, None, None)


class Timeouts(ServerTest):
    extra_args = ("--read-timeout", "300ms", "--idle-timeout", "500ms", "--max-connections", "6")

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=5)

    def test_slow_headers_are_cut_and_others_still_served(self):
        slow = self.connect()
        slow.sendall(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)
        answer = b""
        while chunk := slow.recv(4096):  # until closed by the server
            answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 408 "), answer)
        self.assertLess(time.monotonic() - start, 2)
        slow.close()

    def test_idle_keep_alive_connection_is_closed(self):
        idle = self.connect()
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"200 OK", idle.recv(1000))
        start = time.monotonic()
        self.assertEqual(idle.recv(100), b"")
        self.assertGreater(time.monotonic() - start, 0.3)
        idle.close()

    def test_connections_over_the_limit_get_503(self):
        held = [self.connect() for _ in range(6)]
        time.sleep(0.1)
        extra = self.connect()
        answer = extra.recv(1000)
        self.assertIn(b"503", answer.split(b"\r\n")[0])
        self.assertIn(b"too_many_connections", answer)
        for s in held + [extra]:
            s.close()
        self.assertTrue(wait_until(lambda: self.server.request("GET", "/healthz").status == 200))


class Overload(unittest.TestCase):
    def test_a_stalled_event_loop_answers_503_until_it_catches_up(self):
        """The server is stopped (SIGSTOP) longer than overload_lag, as a loop stuck behind a
        backlog would be: once it runs again, triggers get 503 overloaded with Retry-After
        rather than late answers, and 200 again as soon as the loop keeps time."""
        server = Server("--threads", "1", "--overload-lag", "100ms", "--rate-limit", "0")
        server.customer("acme")
        key = server.api_key("acme")
        with server:
            trigger = json.dumps({"agentId": "1001", "jwt": key, "event": "On Ring"})
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            self.addCleanup(conn.close)

            def fire():
                conn.request("POST", "/api/sendmessage/CTI", body=trigger,
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                return resp.status, resp.getheader("Retry-After"), json.loads(resp.read())

            self.assertEqual(fire()[0], 200)
            os.kill(server.proc.pid, signal.SIGSTOP)
            time.sleep(0.5)
            os.kill(server.proc.pid, signal.SIGCONT)
            answers = []
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                answers.append(fire())
                statuses = [a[0] for a in answers]
                if 503 in statuses and statuses[-1] == 200:
                    break
            shed = [a for a in answers if a[0] == 503]
            self.assertTrue(shed, [a[0] for a in answers])
            self.assertEqual(shed[0][1], "1")
            self.assertEqual(shed[0][2]["code"], "overloaded")
            self.assertEqual(answers[-1][0], 200, "the loop caught up but still sheds")


class GracefulShutdown(unittest.TestCase):
    def test_in_flight_request_finishes_and_exit_is_zero(self):
        server = Server()
        server.customer("acme")
        key = server.api_key("acme")
        with server:
            sse = Sse(server, ["CTI/acme/1"], server.live_token("acme"))
            idle = socket.create_connection(("127.0.0.1", server.port))
            busy = socket.create_connection(("127.0.0.1", server.port))
            body = json.dumps({"jwt": key, "agentId": "1", "event": "last words"}).encode()
            busy.sendall(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
            time.sleep(0.2)
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", server.port), timeout=1).recv(1)
            self.assertEqual(idle.recv(100), b"")
            busy.sendall(body[10:])
            answer = busy.recv(4000).decode()
            self.assertIn("200 OK", answer)
            self.assertIn("Connection: close", answer)
            self.assertIn('"delivered":', answer)
            self.assertEqual(server.proc.wait(10), 0)
            self.assertIn("stopped", server.log_text())
            sse.close()

    def test_stops_whatever_the_store_poll_is_doing(self):
        # A store poll that had fired but not yet run when SIGTERM came re-armed its timer
        # after the cancel, and the process never exited. A 1 ms poll makes that likely.
        server = Server("--revocation-poll", "1ms")
        for attempt in range(20):
            server.start()
            time.sleep(0.05)
            server.proc.send_signal(signal.SIGTERM)
            try:
                self.assertEqual(server.proc.wait(10), 0, server.log_text())
            except subprocess.TimeoutExpired:
                server.proc.kill()
                self.fail(f"attempt {attempt}: SIGTERM did not stop the server:\n{server.log_text()}")
            server.lines.clear()
            server._listening.clear()


if __name__ == "__main__":
    unittest.main()
