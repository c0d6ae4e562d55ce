"""The Connect API trigger endpoints, as the seed document and CONTRACT describe them."""
import json
import re
import socket
import subprocess
import threading
import time
import unittest

from harness import ServerTest, Sse
from seed import SEED_CRM_BODY, SEED_CTI_BODY, SEED_GET

JSON = {"Content-Type": "application/json"}


class SeedRequests(ServerTest):
    """Every request of the seed document, verbatim, and again with a real API key."""

    def test_seed_crm_post_verbatim_is_refused_for_its_placeholder_key(self):
        r = self.server.request("POST", "/api/sendmessage/CRM", SEED_CRM_BODY, JSON)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json()["code"], "malformed_key")

    def test_seed_crm_post_with_real_key_publishes_the_interaction_data(self):
        body = SEED_CRM_BODY.replace("insert_api_key", self.key)
        sse = self.open_sse(["CRM/acme/+/insert_agentId"])
        r = self.server.request("POST", "/api/sendmessage/CRM", body, JSON)
        self.assertEqual(r.status, 200, r)
        answer = r.json()
        self.assertEqual(answer["status"], "ok")
        self.assertEqual(answer["topic"], "CRM/acme/insert_crmid/insert_agentId")
        self.assertEqual(answer["delivered"], 1)
        event = sse.next_message()
        message = json.loads(event["data"])
        self.assertEqual(event["id"], answer["id"])
        self.assertEqual(message["id"], answer["id"])
        self.assertEqual(message["channel"], "CRM")
        self.assertEqual(message["customerId"], "acme")
        self.assertEqual(message["agentId"], "insert_agentId")
        self.assertEqual(message["crmId"], "insert_crmid")
        self.assertEqual(message["event"], "insert_event_name")
        self.assertEqual(message["data"], {"insert_prop_1": "insert_prop_1_value",
                                           "insert_prop_2": "insert_prop_2_value",
                                           "insert_prop_3": "insert_prop_3_value"})
        self.assertNotIn(self.key, event["data"])
        sse.close()

    def test_seed_cti_post_with_cti_id_goes_to_the_topic_with_cti_id(self):
        body = SEED_CTI_BODY.replace("insert_api_key", self.key)
        sse = self.open_sse(["CTI/acme/+/insert_agentId", "CTI/acme/insert_agentId"])
        r = self.server.request("POST", "/api/sendmessage/CTI", body, JSON)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CTI/acme/insert_environmentId_From_ConfigServer/insert_agentId")
        message = json.loads(sse.next_message()["data"])
        self.assertEqual(message["ctiId"], "insert_environmentId_From_ConfigServer")
        self.assertNotIn("crmId", message)
        sse.close()

    def test_seed_get_verbatim_is_refused_for_its_placeholder_key(self):
        r = self.server.request("GET", SEED_GET)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json()["code"], "malformed_key")

    def test_seed_get_with_real_key_keeps_the_placeholders_as_values(self):
        r = self.server.request("GET", SEED_GET.replace("{insert_api_key}", self.key))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CRM/acme/{insert_crmid}/{insert_agentId}")

    def test_seed_get_with_curl(self):
        url = self.server.base_url + SEED_GET.replace("{insert_api_key}", self.key)
        out = subprocess.run(["curl", "-sg", url], capture_output=True, text=True, timeout=10)
        self.assertEqual(json.loads(out.stdout)["status"], "ok", out.stdout)

    def open_sse(self, topics):
        return Sse(self.server, topics, self.server.live_token("acme"))


class TriggerFormats(ServerTest):
    def post(self, channel, fields, **kw):
        return self.server.post_json("/api/sendmessage/" + channel, {"jwt": self.key, **fields}, **kw)

    def test_cti_without_cti_id(self):
        r = self.post("CTI", {"agentId": "1001", "event": "On Ring"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CTI/acme/1001")

    def test_channel_segment_is_case_insensitive(self):
        r = self.server.post_json("/api/sendmessage/cti", {"jwt": self.key, "agentId": "1", "event": "e"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CTI/acme/1")

    def test_no_subscriber_gives_zero_delivered_and_a_warning_naming_the_topics(self):
        r = self.post("CTI", {"agentId": "1001", "event": "On Ring"})
        body = r.json()
        self.assertEqual(body["delivered"], 0)
        self.assertIn("CTI/acme/1001", body["warnings"][0])
        self.assertIn("CTI/acme/+/1001", body["warnings"][0])

    def test_form_encoded_body(self):
        body = f"agentId=1001&jwt={self.key}&event=On+Ring&ani=555%201234"
        r = self.server.request("POST", "/api/sendmessage/CTI", body,
                                {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)

    def test_json_sent_as_curl_default_form_type_is_read_as_json(self):
        body = json.dumps({"agentId": "1001", "jwt": self.key, "event": "On Ring"})
        r = self.server.request("POST", "/api/sendmessage/CTI", body,
                                {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)
        out = subprocess.run(["curl", "-s", self.server.base_url + "/api/sendmessage/CTI", "-d", body],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(json.loads(out.stdout)["status"], "ok", out.stdout)

    def test_bearer_header_instead_of_jwt_field(self):
        r = self.server.post_json("/api/sendmessage/CTI", {"agentId": "1001", "event": "On Ring"},
                                  headers={"Authorization": "Bearer " + self.key})
        self.assertEqual(r.status, 200, r)

    def test_jwt_field_and_header_disagreeing_is_refused(self):
        r = self.post("CTI", {"agentId": "1", "event": "e"}, headers={"Authorization": "Bearer other"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["code"], "duplicate_field")

    def test_numeric_agent_id_becomes_its_decimal_text(self):
        r = self.post("CTI", {"agentId": 1001, "event": "On Ring"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CTI/acme/1001")

    def test_field_names_case_insensitive_values_case_sensitive(self):
        r = self.post("CRM", {"AGENTID": "Agent7", "CrmId": "Pts.Example.com", "EVENT": "On Answer"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["topic"], "CRM/acme/Pts.Example.com/Agent7")

    def test_same_field_twice_in_different_case_is_refused(self):
        body = '{"agentId": "1", "agentid": "2", "event": "e", "jwt": "%s"}' % self.key
        r = self.server.request("POST", "/api/sendmessage/CTI", body, JSON)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["code"], "duplicate_field")
        self.assertEqual(r.json()["field"].lower(), "agentid")

    def test_missing_required_fields_are_named(self):
        cases = [("CTI", {"event": "e"}, "agentId"), ("CTI", {"agentId": "1"}, "event"),
                 ("CRM", {"agentId": "1", "event": "e"}, "crmId")]
        for channel, fields, missing in cases:
            r = self.post(channel, fields)
            self.assertEqual(r.status, 400, (channel, fields))
            self.assertEqual(r.json()["code"], "missing_field")
            self.assertEqual(r.json()["field"], missing)
            self.assertIn(missing, r.json()["message"])

    def test_values_that_would_break_the_topic_are_refused(self):
        for bad in ["a/b", "+", "#", "", "a\u0000b", "tab\there", "x" * 257]:
            r = self.post("CTI", {"agentId": bad, "event": "e"})
            self.assertEqual(r.status, 400, repr(bad))
            self.assertEqual(r.json()["code"], "invalid_field")
            self.assertEqual(r.json()["field"], "agentId")
        r = self.post("CTI", {"agentId": "1", "ctiId": "a/b", "event": "e"})
        self.assertEqual(r.json()["field"], "ctiId")

    def test_wrong_type_is_refused(self):
        r = self.post("CTI", {"agentId": {"id": 1}, "event": "e"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["code"], "invalid_field")

    def test_interaction_data_keeps_json_types(self):
        sse = Sse(self.server, ["CTI/acme/42"], self.server.live_token("acme"))
        data = {"ani": 5551234, "vip": True, "tags": ["a", "b"], "case": {"n": 1.5}, "note": None}
        r = self.post("CTI", {"agentId": "42", "event": "On Ring", **data})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(json.loads(sse.next_message()["data"])["data"], data)
        sse.close()

    def test_malformed_json(self):
        for body in ['{"agentId": ', "[1, 2]", "not json", '{"a":1}}']:
            r = self.server.request("POST", "/api/sendmessage/CTI", body, JSON)
            self.assertEqual(r.status, 400, body)
            self.assertEqual(r.json()["code"], "malformed_body")

    def test_unsupported_media_type(self):
        r = self.server.request("POST", "/api/sendmessage/CTI", "agentId=1", {"Content-Type": "text/csv"})
        self.assertEqual(r.status, 415)
        self.assertEqual(r.json()["code"], "unsupported_media_type")

    def test_unknown_paths_and_channels(self):
        for path in ["/api/sendmessage/FAX", "/nope", "/api/sendmessage"]:
            r = self.server.request("GET", path)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.json()["code"], "not_found")

    def test_method_not_allowed(self):
        r = self.server.request("PUT", "/api/sendmessage/CTI", "{}", JSON)
        self.assertEqual(r.status, 405)
        self.assertIn("POST", r.headers["allow"])

    def test_cors_preflight_and_allow_origin(self):
        r = self.server.request("OPTIONS", "/api/sendmessage/CRM",
                                headers={"Origin": "https://crm.example.com",
                                         "Access-Control-Request-Method": "POST"})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.headers["access-control-allow-origin"], "*")
        self.assertIn("POST", r.headers["access-control-allow-methods"])
        self.assertIn("Authorization", r.headers["access-control-allow-headers"])
        self.assertIn("Content-Type", r.headers["access-control-allow-headers"])
        r = self.post("CTI", {"agentId": "1", "event": "e"}, headers={"Origin": "https://crm.example.com"})
        self.assertEqual(r.headers["access-control-allow-origin"], "*")

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        for i in range(20):
            conn.request("POST", "/api/sendmessage/CTI",
                         json.dumps({"jwt": self.key, "agentId": str(i), "event": "e"}), JSON)
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
        conn.close()


def read_responses(sock, count):
    """Reads `count` HTTP responses off a socket: (status, body) pairs, in order."""
    data, answers = b"", []
    while len(answers) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            head = data[:end].decode()
            length = int(re.search(r"(?im)^content-length: *(\d+)", head).group(1))
            if len(data) >= end + 4 + length:
                answers.append((int(head.split(" ")[1]), data[end + 4:end + 4 + length]))
                data = data[end + 4 + length:]
                continue
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    return answers


class Pipelining(ServerTest):
    """Requests sent back to back without waiting for answers (HTTP/1.1 pipelining)."""

    extra_args = ("--rate-limit", "0")

    def test_every_pipelined_trigger_is_answered_in_order(self):
        # Megabytes of answers, read only after a pause: the server's writes fill the socket
        # and must wait for the client, and then go on where they stopped.
        count = 20000
        requests = b"".join(
            b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            for body in (json.dumps({"jwt": self.key, "agentId": f"a{i}", "event": "e"}).encode()
                         for i in range(count)))
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        self.addCleanup(sock.close)
        sender = threading.Thread(target=sock.sendall, args=(requests,))
        sender.start()
        time.sleep(1)
        answers = read_responses(sock, count)
        sender.join()
        self.assertEqual(len(answers), count)
        self.assertEqual({status for status, _ in answers}, {200})
        topics = [json.loads(body)["topic"] for _, body in answers]
        self.assertEqual(topics, [f"CTI/acme/a{i}" for i in range(count)])


class Scope(ServerTest):
    def test_cti_only_key_refused_on_crm(self):
        key = self.server.api_key("acme", "--scope", "cti")
        self.server.wait_for_key(key)
        r = self.server.post_json("/api/sendmessage/CRM", {"jwt": key, "agentId": "1", "crmId": "c", "event": "e"})
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["code"], "scope_denied")

    def test_crm_id_restricted_key(self):
        key = self.server.api_key("acme", "--crm-id", "good.example.com")
        self.server.wait_for_key(key)
        fields = {"jwt": key, "agentId": "1", "event": "e"}
        r = self.server.post_json("/api/sendmessage/CRM", {**fields, "crmId": "evil.example.com"})
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["code"], "crm_id_denied")
        self.assertEqual(r.json()["field"], "crmId")
        r = self.server.post_json("/api/sendmessage/CRM", {**fields, "crmId": "good.example.com"})
        self.assertEqual(r.status, 200, r)


class Limits(ServerTest):
    extra_args = ("--max-body-bytes", "2048", "--max-fields", "8", "--max-value-bytes", "100",
                  "--max-depth", "3", "--max-header-bytes", "4096")

    def post(self, fields):
        return self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e", **fields})

    def test_body_over_limit_is_413(self):
        r = self.server.request("POST", "/api/sendmessage/CTI", '{"a":"' + "x" * 4000 + '"}', JSON)
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["code"], "too_large")
        self.assertIn("2048", r.json()["message"])

    def test_too_many_fields_is_413(self):
        r = self.post({f"f{i}": i for i in range(8)})
        self.assertEqual(r.status, 413)

    def test_value_over_limit_is_413_naming_the_field(self):
        r = self.post({"note": "x" * 101})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["field"], "note")

    def test_depth_over_limit_is_400(self):
        r = self.post({"a": {"b": {"c": {"d": 1}}}})
        self.assertEqual(r.status, 400)
        self.assertIn("deeper", r.json()["message"])

    def test_headers_over_limit_are_431(self):
        r = self.server.request("GET", "/healthz", headers={"X-Big": "y" * 5000})
        self.assertEqual(r.status, 431)

    def test_within_limits_is_accepted(self):
        r = self.post({"a": {"b": 1}, "note": "x" * 100})
        self.assertEqual(r.status, 200, r)


class RateLimit(ServerTest):
    extra_args = ("--rate-limit", "5", "--rate-burst", "5")

    def test_over_the_rate_gets_429_with_retry_after_and_other_keys_are_unaffected(self):
        statuses = [self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e"})
                    for _ in range(8)]
        self.assertEqual([r.status for r in statuses[:5]], [200] * 5)
        limited = statuses[-1]
        self.assertEqual(limited.status, 429)
        self.assertEqual(limited.json()["code"], "rate_limited")
        self.assertGreaterEqual(int(limited.headers["retry-after"]), 1)
        other = self.server.api_key("acme")
        self.server.wait_for_key(other)
        r = self.server.post_json("/api/sendmessage/CTI", {"jwt": other, "agentId": "1", "event": "e"})
        self.assertEqual(r.status, 200)


class Idempotency(ServerTest):
    def test_retry_with_the_same_idempotency_key_is_not_published_twice(self):
        token = self.server.live_token("acme")
        sse = Sse(self.server, ["CTI/acme/5150"], token)
        headers = {"Idempotency-Key": "call-778-ring"}
        fields = {"jwt": self.key, "agentId": "5150", "event": "On Ring"}
        first = self.server.post_json("/api/sendmessage/CTI", fields, headers=headers)
        again = self.server.post_json("/api/sendmessage/CTI", fields, headers=headers)
        self.assertEqual(first.status, 200)
        self.assertEqual(again.body, first.body, "the first answer, byte for byte")
        self.assertEqual(again.headers.get("idempotent-replayed"), "true")
        self.assertEqual(sse.next_message()["id"], first.json()["id"])
        other = self.server.post_json("/api/sendmessage/CTI", fields, headers={"Idempotency-Key": "call-778-answer"})
        self.assertEqual(sse.next_message()["id"], other.json()["id"], "the next message is the new trigger's")
        sse.close()

    def test_message_id_field_works_the_same_and_is_not_interaction_data(self):
        sse = Sse(self.server, ["CTI/acme/5151"], self.server.live_token("acme"))
        fields = {"jwt": self.key, "agentId": "5151", "event": "On Ring", "messageId": "m-1"}
        first = self.server.post_json("/api/sendmessage/CTI", fields)
        again = self.server.post_json("/api/sendmessage/CTI", fields)
        self.assertEqual(again.json()["id"], first.json()["id"])
        message = json.loads(sse.next_message()["data"])
        self.assertNotIn("messageId", message["data"])
        sse.close()

    def test_a_refused_trigger_can_be_retried_with_the_same_key(self):
        headers = {"Idempotency-Key": "fix-me"}
        bad = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "event": "e"}, headers=headers)
        self.assertEqual(bad.status, 400)
        good = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e"},
                                     headers=headers)
        self.assertEqual(good.status, 200)
        self.assertNotIn("idempotent-replayed", good.headers)

    def test_keys_of_other_api_keys_do_not_collide(self):
        other = self.server.api_key("acme")
        self.server.wait_for_key(other)
        headers = {"Idempotency-Key": "shared"}
        a = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e"}, headers=headers)
        b = self.server.post_json("/api/sendmessage/CTI", {"jwt": other, "agentId": "1", "event": "e"}, headers=headers)
        self.assertNotEqual(a.json()["id"], b.json()["id"])

    def test_overlong_key_is_refused(self):
        r = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e"},
                                  headers={"Idempotency-Key": "k" * 300})
        self.assertEqual(r.status, 400)


if __name__ == "__main__":
    unittest.main()
