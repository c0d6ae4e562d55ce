"""Server-Sent Events at /api/subscribe: delivery, tenant isolation, token checks."""
import http.client
import json
import subprocess
import time
import unittest

from harness import ServerTest, Sse, wait_until

CTI = "/api/sendmessage/CTI"


class Delivery(ServerTest):
    extra_args = ("--sse-heartbeat", "300ms")

    def trigger(self, agent, key=None, **fields):
        return self.server.post_json(CTI, {"jwt": key or self.key, "agentId": agent, "event": "On Ring", **fields})

    def test_stream_headers(self):
        sse = Sse(self.server, ["CTI/acme/1001"], self.server.live_token("acme"))
        self.assertEqual(sse.status, 200)
        self.assertTrue(sse.headers["content-type"].startswith("text/event-stream"))
        self.assertEqual(sse.headers["cache-control"], "no-cache")
        sse.close()

    def test_token_in_query_and_wildcard_filter(self):
        sse = Sse(self.server, ["CTI/acme/#"], self.server.live_token("acme"), token_in_query=True)
        self.assertEqual(sse.status, 200)
        r = self.trigger("2002", ctiId="env-9")
        self.assertEqual(r.json()["delivered"], 1)
        event = sse.next_message()
        self.assertEqual(json.loads(event["data"])["agentId"], "2002")
        sse.close()

    def test_every_stream_counts_in_delivered(self):
        token = self.server.live_token("acme")
        streams = [Sse(self.server, ["CTI/acme/3003", "CTI/acme/+/3003"], token) for _ in range(3)]
        r = self.trigger("3003")
        self.assertEqual(r.json()["delivered"], 3)
        for sse in streams:
            # Overlapping filters still deliver once per stream.
            self.assertEqual(sse.next_message()["id"], r.json()["id"])
            sse.close()

    def test_messages_arrive_in_order(self):
        sse = Sse(self.server, ["CTI/acme/4004"], self.server.live_token("acme"))
        ids = [self.trigger("4004", seq=i).json()["id"] for i in range(50)]
        got = [sse.next_message()["id"] for _ in range(50)]
        self.assertEqual(got, ids)
        self.assertEqual(ids, sorted(ids), "message ids are time-ordered")
        sse.close()

    def test_heartbeat_comment(self):
        sse = Sse(self.server, ["CTI/acme/5005"], self.server.live_token("acme"))
        line = sse.resp.fp.readline()
        self.assertEqual(line, b": heartbeat\n")
        sse.close()

    def test_closed_stream_is_unsubscribed(self):
        sse = Sse(self.server, ["CTI/acme/6006"], self.server.live_token("acme"))
        sse.close()
        self.assertTrue(wait_until(lambda: self.trigger("6006").json()["delivered"] == 0))

    def test_curl_receives_the_message(self):
        token = self.server.live_token("acme")
        url = f"{self.server.base_url}/api/subscribe?topic=CTI/acme/7007"
        curl = subprocess.Popen(["curl", "-sN", "-H", "Authorization: Bearer " + token, url],
                                stdout=subprocess.PIPE, text=True)
        try:
            self.assertTrue(wait_until(lambda: self.trigger("7007").json()["delivered"] == 1))
            lines = []
            while not any(line.startswith("data:") for line in lines):
                lines.append(curl.stdout.readline())
            message = json.loads(lines[-1][len("data: "):])
            self.assertEqual(message["agentId"], "7007")
            self.assertNotIn(self.key, "".join(lines))
        finally:
            curl.kill()
            curl.wait()


class TenantIsolation(ServerTest):
    def test_other_customers_topics_are_refused(self):
        self.server.customer("beta")
        beta = self.server.live_token("beta")
        for topic in ["CTI/acme/1001", "CTI/acme/#", "#", "CTI/+/1001", "+/acme/1001", "other/x"]:
            sse = Sse(self.server, [topic], beta)
            self.assertEqual(sse.status, 403, topic)
            self.assertEqual(json.loads(sse.error_body)["code"], "topic_denied")

    def test_customer_b_never_receives_customer_a_messages(self):
        self.server.customer("gamma")
        gamma_key = self.server.api_key("gamma")
        gamma = Sse(self.server, ["CTI/gamma/#"], self.server.live_token("gamma"))
        self.server.wait_for_key(gamma_key)
        for agent in ["1001", "1002"]:
            self.server.post_json(CTI, {"jwt": self.key, "agentId": agent, "event": "On Ring", "secret": "acme-only"})
        r = self.server.post_json(CTI, {"jwt": gamma_key, "agentId": "1001", "event": "mine"})
        self.assertEqual(r.json()["delivered"], 1)
        message = json.loads(gamma.next_message()["data"])
        self.assertEqual((message["customerId"], message["event"]), ("gamma", "mine"))
        gamma.close()

    def test_agent_limited_token(self):
        token = self.server.live_token("acme", "--agent", "1001")
        for topic in ["CTI/acme/1001", "CTI/acme/+/1001", "CRM/acme/+/1001"]:
            sse = Sse(self.server, [topic], token)
            self.assertEqual(sse.status, 200, topic)
            sse.close()
        for topic in ["CTI/acme/#", "CTI/acme/+", "CTI/acme/1002", "CTI/acme/+/1002"]:
            sse = Sse(self.server, [topic], token)
            self.assertEqual(sse.status, 403, topic)

    def test_bad_filters_and_missing_topic(self):
        token = self.server.live_token("acme")
        sse = Sse(self.server, ["CTI/acme/#/x"], token)
        self.assertEqual((sse.status, json.loads(sse.error_body)["code"]), (400, "invalid_field"))
        sse = Sse(self.server, [], token)
        self.assertEqual((sse.status, json.loads(sse.error_body)["code"]), (400, "missing_field"))

    def test_two_different_tokens_are_refused_as_ambiguous(self):
        mine, other = self.server.live_token("acme"), self.server.live_token("acme")
        for query, header in [(other, mine), (other + "&token=" + mine, None)]:
            r = self.server.request("GET", "/api/subscribe?topic=CTI/acme/1001&token=" + query,
                                    headers={"Authorization": "Bearer " + header} if header else {})
            self.assertEqual(r.status, 400, r)
            self.assertEqual((r.json()["code"], r.json()["field"]), ("ambiguous_token", "token"))
            self.assertNotIn(mine, r.body)
            self.assertNotIn(other, r.body)
        # The same token twice is not ambiguous.
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        conn.request("GET", "/api/subscribe?topic=CTI/acme/1001&token=" + mine,
                     headers={"Authorization": "Bearer " + mine})
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()

    def test_revoked_token_stream_is_closed(self):
        token = self.server.live_token("acme")
        sse = Sse(self.server, ["CTI/acme/8008"], token)
        listed = [line.split() for line in self.server.cli("key", "list").splitlines()[1:]]
        token_ids = [row[0] for row in listed if row[2] == "client_token"]
        for key_id in token_ids:
            self.server.cli("key", "revoke", key_id)
        start = time.monotonic()
        event = sse.next_event()
        while "event" not in event:
            event = sse.next_event()
        self.assertEqual(event["event"], "error")
        self.assertEqual(json.loads(event["data"])["code"], "revoked_key")
        self.assertLess(time.monotonic() - start, 2.5)
        with self.assertRaises(EOFError):
            sse.next_event()


if __name__ == "__main__":
    unittest.main()
