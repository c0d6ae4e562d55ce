"""Interaction data reaches the client exactly as sent (issue 11, items 4, 7 and 8).

Numbers keep their literal (1e999 is not turned into Infinity, 18446744073709551617 is not
rounded), the delivered payload is always valid JSON, and a body that names a field twice
(exactly, through an escape, or inside nested data) is refused instead of one value silently
winning. Each body is sent as raw bytes with http.client: json.dumps could not even write
most of them. A JWT whose header lists critical extensions is refused (RFC 7515 4.1.11).
"""
import base64
import hashlib
import hmac
import json
import os
import re

from harness import ServerTest, Sse, forge
from mqtt_clients import Mqtt

CTI = "/api/sendmessage/CTI"
JSON = {"Content-Type": "application/json"}


def raw_data(payload):
    """The text of the message's "data" member, exactly as the server wrote it."""
    match = re.search(r',"data":(\{.*\})\}$', payload, re.S)
    assert match, payload
    return match.group(1)


class NumbersAsSent(ServerTest):
    def setUp(self):
        self.agent = self.id().rsplit(".", 1)[-1][-40:]
        self.sse = Sse(self.server, ["CTI/acme/" + self.agent], self.server.live_token("acme"))

    def tearDown(self):
        self.sse.close()

    def deliver(self, data_text):
        body = '{"agentId": "%s", "event": "On Ring", "jwt": "%s", %s}' % (self.agent, self.key, data_text)
        r = self.server.request("POST", CTI, body, JSON)
        self.assertEqual(r.status, 200, r)
        payload = self.sse.next_message()["data"]
        message = json.loads(payload)  # never Infinity or NaN: Python's json would take those
        json.loads(payload, parse_constant=lambda name: self.fail("invalid JSON constant " + name))
        self.assertEqual(message["id"], r.json()["id"])
        return raw_data(payload)

    def test_huge_exponent_stays_its_literal(self):
        self.assertEqual(self.deliver('"n": 1e999'), '{"n":1e999}')

    def test_integer_beyond_64_bits_stays_exact(self):
        data = self.deliver('"callId": 18446744073709551617, "neg": -98765432109876543210')
        self.assertEqual(data, '{"callId":18446744073709551617,"neg":-98765432109876543210}')
        self.assertEqual(json.loads(data)["callId"], 18446744073709551617)

    def test_decimals_keep_their_spelling(self):
        data = self.deliver('"amount": 12.50, "rate": 1.0E+2, "zero": -0, "small": 5e-324')
        self.assertEqual(data, '{"amount":12.50,"rate":1.0E+2,"zero":-0,"small":5e-324}')

    def test_nested_numbers_keep_their_literals(self):
        data = self.deliver('"o": {"a": [1e999, 18446744073709551617, {"b": 0.10}], "c": {}}, '
                            '"list": [ -1E-999 , [] ]')
        self.assertEqual(data, '{"o":{"a":[1e999,18446744073709551617,{"b":0.10}],"c":{}},'
                               '"list":[-1E-999,[]]}')

    def test_nested_strings_and_keys_are_reescaped_as_valid_json(self):
        data = self.deliver(r'"o": {"k\u00e9y": "a\"b\\c\u0001\n\u20ac", "\ud83d\ude00": [true, false, null]}')
        self.assertEqual(json.loads(data), {"o": {"k\u00e9y": "a\"b\\c\u0001\n\u20ac",
                                                  "\U0001F600": [True, False, None]}})

    def test_trailing_commas_inside_nested_data_are_not_passed_on(self):
        data = self.deliver('"o": {"a": [1, 2,], "b": 3,}')
        self.assertEqual(data, '{"o":{"a":[1,2],"b":3}}')


class NumbersAsSentOverMqtt(ServerTest):
    """The same through paho: the payload bytes an MQTT client gets are the literal too."""

    def test_paho_subscriber_gets_the_literals(self):
        client = Mqtt(self.server, self.server.live_token("acme"))
        try:
            self.assertEqual(client.subscribe("CTI/acme/mqtt-numbers"), [1])
            body = ('{"agentId": "mqtt-numbers", "event": "On Ring", "jwt": "%s", '
                    '"n": 1e999, "callId": 18446744073709551617, "o": {"x": [1.50]}}' % self.key)
            r = self.server.request("POST", CTI, body, JSON)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["delivered"], 1, r)
            payload = client.next_message().payload.decode()
            json.loads(payload, parse_constant=lambda name: self.fail("invalid JSON constant " + name))
            self.assertEqual(raw_data(payload), '{"n":1e999,"callId":18446744073709551617,"o":{"x":[1.50]}}')
        finally:
            client.disconnect()


class DuplicateFields(ServerTest):
    def refused(self, body, field):
        r = self.server.request("POST", CTI, body, JSON)
        self.assertEqual(r.status, 400, r)
        problem = r.json()
        self.assertEqual(problem["code"], "duplicate_field", r)
        self.assertEqual(problem["field"], field, r)
        self.assertNotIn(self.key, r.body)
        return problem

    def test_exact_duplicate_agent_id_is_refused(self):
        body = '{"agentId": "1001", "agentId": "9999", "event": "On Ring", "jwt": "%s"}' % self.key
        self.assertIn("agentId", self.refused(body, "agentId")["message"])

    def test_escaped_duplicate_agent_id_is_refused(self):
        body = '{"agentId": "1001", "\\u0061gentId": "9999", "event": "e", "jwt": "%s"}' % self.key
        self.refused(body, "agentId")

    def test_jwt_twice_is_refused_before_authentication(self):
        other = self.server.api_key("acme")
        body = '{"agentId": "1001", "event": "e", "jwt": "%s", "jwt": "%s"}' % (self.key, other)
        self.refused(body, "jwt")
        # Even when both are the same key: a gateway must not have to guess.
        self.refused('{"agentId": "1", "event": "e", "jwt": "%s", "jwt": "%s"}' % (self.key, self.key), "jwt")

    def test_duplicate_key_inside_nested_data_is_refused(self):
        body = '{"agentId": "1", "event": "e", "jwt": "%s", "case": {"id": 1, "x": [{"id": 2, "\\u0069d": 3}]}}' % self.key
        problem = self.refused(body, "case")
        self.assertIn("'id'", problem["message"])

    def test_case_variants_inside_nested_data_are_distinct_keys(self):
        sse = Sse(self.server, ["CTI/acme/nested-case"], self.server.live_token("acme"))
        body = '{"agentId": "nested-case", "event": "e", "jwt": "%s", "case": {"id": 1, "ID": 2}}' % self.key
        r = self.server.request("POST", CTI, body, JSON)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(raw_data(sse.next_message()["data"]), '{"case":{"id":1,"ID":2}}')
        sse.close()


class CriticalHeader(ServerTest):
    def resign(self, token, header):
        """The token with `header` merged in, signed with the server's real secret."""
        with open(os.path.join(self.server.data_dir, "secret.key"), "rb") as f:
            secret = f.read()
        forged = forge(token, header=header)
        head, body, _ = forged.split(".")
        sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()

    def send(self, key):
        return self.server.post_json(CTI, {"agentId": "1001", "event": "e", "jwt": key})

    def test_resigned_token_without_crit_is_accepted(self):
        # The control: re-signing itself is not what gets the token refused below.
        self.assertEqual(self.send(self.resign(self.key, {"x-note": "ok"})).status, 200)

    def test_unknown_critical_extension_is_refused(self):
        for crit in (["x-must-understand"], ["exp"], [], "x", [1]):
            r = self.send(self.resign(self.key, {"crit": crit, "x-must-understand": True}))
            self.assertEqual(r.status, 401, (crit, r))
            self.assertEqual(r.json()["code"], "malformed_key", (crit, r))
