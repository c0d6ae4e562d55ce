"""An exception that escapes a handler (issue 10, item 5): it costs its own connection and is
counted, never the event loop; a loop that does die takes the process down loudly. Shown with
--fault-injection, which adds /__fault/* routes and a $fault/throw MQTT topic (tests only)."""
import json
import signal
import unittest

from harness import Server, wait_until
from mqtt_clients import Mqtt, metric


class Faults(unittest.TestCase):
    def setUp(self):
        # One event loop: if it died, nothing at all would be answered any more.
        self.server = Server("--threads", "1", "--fault-injection")
        self.addCleanup(self.server.stop, signal.SIGKILL)
        self.server.customer("acme")
        self.key = self.server.api_key("acme")
        self.token = self.server.client_token("acme")
        self.server.start()

    def assert_serving(self):
        self.assertEqual(self.server.request("GET", "/readyz").status, 200)
        r = self.server.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring"})
        self.assertEqual(r.status, 200, r)

    def test_a_request_handler_that_throws_gets_500_and_the_loop_goes_on(self):
        r = self.server.request("GET", "/__fault/throw")
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["code"], "internal_error")
        self.assertEqual(r.headers.get("connection"), "close")
        request_id = r.headers["x-request-id"]
        failed = wait_until(lambda: [e for e in self.server.logs() if e.get("msg") == "request handler failed"])
        self.assertEqual(failed[0]["request_id"], request_id)
        self.assertEqual(metric(self.server, 'popflow_handler_failures_total{site="http"}'), 1)
        self.assert_serving()

    def test_an_exception_in_a_loop_handler_is_counted_and_the_loop_goes_on(self):
        self.assertEqual(self.server.request("GET", "/__fault/loop").status, 202)
        self.assertTrue(wait_until(lambda: metric(self.server, 'popflow_handler_failures_total{site="loop"}') == 1))
        self.assert_serving()

    def test_an_mqtt_handler_that_throws_closes_that_client_only(self):
        bystander = Mqtt(self.server, self.token, client_id="bystander")
        self.assertEqual(bystander.subscribe("CTI/acme/1001"), [1])
        faulty = Mqtt(self.server, self.token, client_id="faulty")
        faulty.client.publish("$fault/throw", b"x", 1)
        self.assertEqual(faulty.disconnected(), 0x83)  # implementation specific error
        self.assertEqual(metric(self.server, 'popflow_handler_failures_total{site="mqtt"}'), 1)
        self.assert_serving()
        self.assertEqual(json.loads(bystander.next_message().payload)["agentId"], "1001")
        bystander.disconnect()

    def test_a_dead_loop_fails_the_process_loudly(self):
        self.assertEqual(self.server.request("GET", "/__fault/die").status, 202)
        self.assertEqual(self.server.proc.wait(15), 70)
        self.assertTrue(wait_until(lambda: any(e.get("msg") == "event loop died" for e in self.server.logs())))

    def test_fault_routes_do_not_exist_without_the_setting(self):
        plain = Server("--threads", "1")
        self.addCleanup(plain.stop, signal.SIGKILL)
        plain.start()
        self.assertEqual(plain.request("GET", "/__fault/throw").status, 404)


if __name__ == "__main__":
    unittest.main()
