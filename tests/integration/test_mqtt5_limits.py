"""MQTT 5.0 limits the server announces in CONNACK and keeps: Receive Maximum (DISCONNECT 0x93
beyond, sections 3.3.4 and 4.9), topic aliases the server assigns to what it sends (Topic Alias
Maximum from the client, `mqtt_server_topic_aliases`), and Server Keep Alive
(`mqtt_max_keepalive`; 3.1.1 clients asking more are refused).

A raw socket plays the client wherever a library would not misbehave on purpose (sending past
Receive Maximum without waiting) or would hide the bytes (an empty topic plus an alias);
mqtt.js shows a real client resolves the aliases.
"""
import json
import os
import socket
import struct
import time
import unittest

from harness import ServerTest, wait_until
from mqtt_clients import Mqtt, RawMqtt, metric
from test_mqtt_js import MqttJsServerTest

CTI = "/api/sendmessage/CTI"

PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT = 4, 5, 6, 7, 14
RECEIVE_MAXIMUM_EXCEEDED, KEEP_ALIVE_TIMEOUT = 0x93, 0x8D
TOPIC_ALIAS, TOPIC_ALIAS_MAXIMUM, RECEIVE_MAXIMUM, SERVER_KEEP_ALIVE = 0x23, 0x22, 0x21, 0x13

# Property id -> wire type (MQTT 5.0 section 2.2.2.2), for the ones a server may send.
_PROPERTY_TYPES = {
    0x01: "u8", 0x02: "u32", 0x03: "str", 0x08: "str", 0x09: "bin", 0x0B: "varint", 0x11: "u32",
    0x12: "str", 0x13: "u16", 0x15: "str", 0x16: "bin", 0x17: "u8", 0x18: "u32", 0x19: "u8",
    0x1A: "str", 0x1C: "str", 0x1F: "str", 0x21: "u16", 0x22: "u16", 0x23: "u16", 0x24: "u8",
    0x25: "u8", 0x26: "pair", 0x27: "u32", 0x28: "u8", 0x29: "u8", 0x2A: "u8",
}


def varint(n):
    out = b""
    while True:
        byte, n = n % 128, n // 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def read_varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def mqtt_str(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def u16_properties(props):
    """A property block of two-byte integer properties: {id: value}."""
    body = b"".join(bytes([pid]) + struct.pack(">H", value) for pid, value in props.items())
    return varint(len(body)) + body


def parse_properties(data, at):
    """Returns ({id: value, repeated ids as lists}, offset after the properties)."""
    length, at = read_varint(data, at)
    end, props = at + length, {}
    while at < end:
        pid = data[at]
        at += 1
        kind = _PROPERTY_TYPES[pid]
        if kind == "u8":
            value, at = data[at], at + 1
        elif kind == "u16":
            value, at = struct.unpack(">H", data[at:at + 2])[0], at + 2
        elif kind == "u32":
            value, at = struct.unpack(">I", data[at:at + 4])[0], at + 4
        elif kind == "varint":
            value, at = read_varint(data, at)
        elif kind in ("str", "bin"):
            n = struct.unpack(">H", data[at:at + 2])[0]
            value, at = data[at + 2:at + 2 + n], at + 2 + n
        else:  # a UTF-8 string pair
            n = struct.unpack(">H", data[at:at + 2])[0]
            name, at = data[at + 2:at + 2 + n], at + 2 + n
            n = struct.unpack(">H", data[at:at + 2])[0]
            value, at = (name, data[at + 2:at + 2 + n]), at + 2 + n
        if pid in (0x26, 0x0B):
            props.setdefault(pid, []).append(value)
        else:
            props[pid] = value
    return props, end


class Raw5(RawMqtt):
    """MQTT 5.0 over a plain socket: every byte the server sends is seen as sent. Reads
    packets as RawMqtt does; only its CONNECT is 5.0's."""

    def __init__(self, port, client_id="", keepalive=60, connect_properties=b"\x00"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        body = mqtt_str("MQTT") + bytes([5, 0x02]) + struct.pack(">H", keepalive) + connect_properties
        self.sock.sendall(packet(0x10, body + mqtt_str(client_id)))
        first, body = self.read()
        assert first >> 4 == 2, first
        self.reason_code = body[1]
        self.connack_properties, _ = parse_properties(body, 2)

    def read_publish(self):
        first, body = self.read()
        assert first >> 4 == 3, f"expected PUBLISH, got packet type {first >> 4}"
        topic_len = struct.unpack(">H", body[:2])[0]
        at = 2 + topic_len
        qos = (first >> 1) & 3
        packet_id = None
        if qos:
            packet_id = struct.unpack(">H", body[at:at + 2])[0]
            at += 2
        props, at = parse_properties(body, at)
        return {"topic": body[2:2 + topic_len].decode(), "qos": qos, "packet_id": packet_id,
                "properties": props, "payload": body[at:], "body": body}

    def subscribe(self, topic, qos=0, packet_id=1):
        self.sock.sendall(packet(0x82, struct.pack(">H", packet_id) + b"\x00" + mqtt_str(topic) + bytes([qos])))
        first, body = self.read()
        assert first >> 4 == 9, first
        return list(body[3:])

    @staticmethod
    def publish_bytes(topic, payload, qos, packet_id):
        flags = 0x30 | (qos << 1)
        return packet(flags, mqtt_str(topic) + struct.pack(">H", packet_id) + b"\x00" + payload)

    def ack(self, kind, packet_id):
        self.sock.sendall(packet((kind << 4) | (0x02 if kind == PUBREL else 0), struct.pack(">H", packet_id)))

    def read_acks_until_disconnect(self):
        """Reads until DISCONNECT; returns ([(type, packet id)...], its reason code)."""
        acks = []
        while True:
            first, body = self.read()
            if first >> 4 == DISCONNECT:
                return acks, body[0]
            acks.append((first >> 4, struct.unpack(">H", body[:2])[0]))

    def ping(self):
        self.sock.sendall(b"\xc0\x00")
        first, _ = self.read()
        assert first >> 4 == 13, first >> 4


class ReceiveMaximum(ServerTest):
    extra_args = ("--mqtt-allow-anonymous", "--mqtt-max-inflight", "3")

    def connect(self, client_id=""):
        client = Raw5(self.server.mqtt_port, client_id)
        self.addCleanup(client.close)
        self.assertEqual(client.connack_properties[RECEIVE_MAXIMUM], 3)
        return client

    def offline_persistent_subscriber(self, topic, client_id):
        """A persistent session subscribed to `topic` and gone: publishing there appends to the
        journal, so each PUBACK waits until that is written."""
        sub = Mqtt(self.server, None, client_id=client_id, session_expiry=300)
        self.assertEqual(sub.subscribe(topic, qos=1), [1])
        sub.disconnect()

    def test_a_burst_of_qos1_past_receive_maximum_gets_disconnect_0x93(self):
        client = self.connect()
        burst = b"".join(Raw5.publish_bytes("rm/burst", b"%d" % i, 1, i) for i in range(1, 13))
        client.sock.sendall(burst)  # twelve, without waiting for a single PUBACK
        acks, reason = client.read_acks_until_disconnect()
        self.assertEqual(reason, RECEIVE_MAXIMUM_EXCEEDED)
        self.assertTrue(all(kind == PUBACK for kind, _ in acks), acks)
        self.assertLess(len(acks), 12, "some PUBLISHes were refused, not acknowledged")
        self.assertTrue(client.closed_within(5))

    def test_qos1_acknowledgements_held_for_the_journal_count(self):
        self.offline_persistent_subscriber("rm/held", "rm-held-sub")
        client = self.connect()
        client.sock.sendall(b"".join(Raw5.publish_bytes("rm/held", b"%d" % i, 1, i) for i in range(1, 5)))
        acks, reason = client.read_acks_until_disconnect()
        self.assertEqual(reason, RECEIVE_MAXIMUM_EXCEEDED)
        # The first three PUBACKs wait for the journal; the fourth PUBLISH is one too many.
        # Nothing follows the DISCONNECT, not even the PUBACKs the journal releases meanwhile.
        self.assertEqual(acks, [])
        self.assertTrue(client.closed_within(5))

    def test_qos2_awaiting_pubrel_past_receive_maximum_gets_disconnect_0x93(self):
        client = self.connect()
        client.sock.sendall(b"".join(Raw5.publish_bytes("rm/two", b"x", 2, i) for i in range(1, 5)))
        acks, reason = client.read_acks_until_disconnect()
        self.assertEqual(acks, [(PUBREC, 1), (PUBREC, 2), (PUBREC, 3)])
        self.assertEqual(reason, RECEIVE_MAXIMUM_EXCEEDED)

    def test_qos1_and_qos2_count_together(self):
        client = self.connect()
        client.sock.sendall(b"".join(Raw5.publish_bytes("rm/mixed", b"x", 2, i) for i in range(1, 4)))
        self.assertEqual([client.read()[0] >> 4 for _ in range(3)], [PUBREC] * 3)
        client.sock.sendall(Raw5.publish_bytes("rm/mixed", b"one more", 1, 4))  # three await PUBREL
        acks, reason = client.read_acks_until_disconnect()
        self.assertEqual((acks, reason), ([], RECEIVE_MAXIMUM_EXCEEDED))

    def test_a_client_keeping_to_receive_maximum_is_never_disconnected(self):
        """Three at a time, then wait for the acknowledgements: for as long as it likes, at QoS 1
        (acknowledged at once, and held for the journal) and QoS 2 (until PUBREL)."""
        self.offline_persistent_subscriber("rm/kept-held", "rm-kept-sub")
        client = self.connect()
        packet_id = 0
        for round_ in range(30):
            for topic in ("rm/kept", "rm/kept-held"):
                ids = [packet_id + i for i in (1, 2, 3)]
                packet_id += 3
                client.sock.sendall(b"".join(Raw5.publish_bytes(topic, b"%d" % round_, 1, i) for i in ids))
                self.assertEqual(sorted(client.read()[0] >> 4 for _ in ids), [PUBACK] * 3)
            ids = [packet_id + i for i in (1, 2, 3)]
            packet_id += 3
            client.sock.sendall(b"".join(Raw5.publish_bytes("rm/kept", b"q2", 2, i) for i in ids))
            self.assertEqual([client.read()[0] >> 4 for _ in ids], [PUBREC] * 3)
            for i in ids:
                client.ack(PUBREL, i)
            self.assertEqual([client.read()[0] >> 4 for _ in ids], [PUBCOMP] * 3)
        client.ping()  # still connected


class ServerTopicAliases(ServerTest):
    extra_args = ("--mqtt-allow-anonymous", "--mqtt-server-topic-aliases", "2")

    def subscriber(self, topic_alias_maximum=None):
        props = b"\x00" if topic_alias_maximum is None else u16_properties({TOPIC_ALIAS_MAXIMUM: topic_alias_maximum})
        sub = Raw5(self.server.mqtt_port, connect_properties=props)
        self.addCleanup(sub.close)
        self.assertEqual(sub.subscribe("ta/#", qos=1), [1])
        return sub

    def publish(self, *topics):
        pub = Mqtt(self.server, None)
        for i, topic in enumerate(topics):
            pub.publish(topic, b"m%d" % i, qos=1)
        pub.disconnect()

    def received(self, sub, n):
        got = []
        for _ in range(n):
            p = sub.read_publish()
            sub.ack(PUBACK, p["packet_id"])
            got.append((p["topic"], p["properties"].get(TOPIC_ALIAS), p["payload"]))
        return got

    def test_the_second_message_on_a_topic_carries_an_empty_topic_and_the_alias(self):
        sub = self.subscriber(topic_alias_maximum=5)
        self.publish("ta/a", "ta/a")
        first, second = sub.read_publish(), sub.read_publish()
        self.assertEqual((first["topic"], first["properties"][TOPIC_ALIAS]), ("ta/a", 1))
        # The bytes themselves: a zero-length topic, the packet id, then the properties with
        # Topic Alias (0x23) = 1.
        body = second["body"]
        self.assertEqual(body[:2], b"\x00\x00", body)
        self.assertEqual(body[2:4], struct.pack(">H", second["packet_id"]))
        props, _ = parse_properties(body, 4)
        self.assertEqual(props[TOPIC_ALIAS], 1)
        self.assertIn(bytes([TOPIC_ALIAS]) + b"\x00\x01", body[4:4 + 1 + body[4]])
        self.assertEqual(second["payload"], b"m1")

    def test_a_full_table_gives_the_least_recently_sent_alias_to_a_new_topic(self):
        sub = self.subscriber(topic_alias_maximum=5)  # the server's 2 are fewer: 2 it is
        self.publish("ta/a", "ta/b", "ta/a", "ta/c", "ta/c", "ta/a", "ta/b")
        self.assertEqual(self.received(sub, 7), [
            ("ta/a", 1, b"m0"),
            ("ta/b", 2, b"m1"),
            ("", 1, b"m2"),
            ("ta/c", 2, b"m3"),  # b was the least recently sent: c takes its alias, with its topic
            ("", 2, b"m4"),
            ("", 1, b"m5"),
            ("ta/b", 2, b"m6"),  # b is new again and takes c's
        ])

    def test_the_client_maximum_bounds_the_aliases(self):
        sub = self.subscriber(topic_alias_maximum=1)
        self.publish("ta/a", "ta/b", "ta/b", "ta/a")
        self.assertEqual(self.received(sub, 4), [
            ("ta/a", 1, b"m0"), ("ta/b", 1, b"m1"), ("", 1, b"m2"), ("ta/a", 1, b"m3")])

    def test_no_aliases_unless_the_client_allows_them(self):
        for tam in (None, 0):
            with self.subTest(topic_alias_maximum=tam):
                sub = self.subscriber(topic_alias_maximum=tam)
                self.publish("ta/a", "ta/a")
                self.assertEqual(self.received(sub, 2), [("ta/a", None, b"m0"), ("ta/a", None, b"m1")])
                sub.close()
        # 3.1.1 has no aliases at all.
        raw = RawMqtt(self.server.mqtt_port, "ta-311")
        self.addCleanup(raw.close)
        raw.subscribe("ta/#", qos=1)
        self.publish("ta/a", "ta/a")
        self.assertEqual([raw.read_publish()["topic"] for _ in range(2)], ["ta/a", "ta/a"])

    def test_a_new_connection_starts_with_no_aliases(self):
        sub = Raw5(self.server.mqtt_port, "ta-again", connect_properties=u16_properties({TOPIC_ALIAS_MAXIMUM: 5}))
        sub.subscribe("ta/#", qos=1)
        self.publish("ta/a", "ta/a")
        self.assertEqual([p[:2] for p in self.received(sub, 2)], [("ta/a", 1), ("", 1)])
        sub.close()
        again = self.subscriber(topic_alias_maximum=5)
        self.publish("ta/a")
        self.assertEqual(self.received(again, 1), [("ta/a", 1, b"m0")])


class ServerTopicAliasesOff(ServerTest):
    extra_args = ("--mqtt-allow-anonymous", "--mqtt-server-topic-aliases", "0")

    def test_setting_zero_sends_full_topics(self):
        sub = Raw5(self.server.mqtt_port, connect_properties=u16_properties({TOPIC_ALIAS_MAXIMUM: 5}))
        self.addCleanup(sub.close)
        sub.subscribe("off/#", qos=0)
        pub = Mqtt(self.server, None)
        pub.publish("off/a", b"1", qos=1)
        pub.publish("off/a", b"2", qos=1)
        got = [sub.read_publish() for _ in range(2)]
        self.assertEqual([(p["topic"], p["properties"].get(TOPIC_ALIAS)) for p in got],
                         [("off/a", None), ("off/a", None)])


class MqttJsResolvesServerAliases(MqttJsServerTest):
    """Triggers to mqtt.js over WebSocket with Topic Alias Maximum set: the second on a topic
    arrives as alias only, and mqtt.js hands the application the full topic."""

    def test_mqtt_js_resolves_the_topic_of_an_alias_only_publish(self):
        agent = "7001"
        token = self.server.live_token("acme", "--agent", agent)
        os.environ["MQTT_CONNECT_PROPERTIES"] = json.dumps({"topicAliasMaximum": 10})
        try:
            sub = self.subscriber(token, [f"CTI/acme/{agent}", f"CTI/acme/+/{agent}"], 4)
        finally:
            del os.environ["MQTT_CONNECT_PROPERTIES"]
        self.assertEqual(sub.subscribed(), [1, 1])
        sent = [self.trigger(agent), self.trigger(agent, ctiId="env-1"), self.trigger(agent),
                self.trigger(agent, ctiId="env-1")]
        code, got = sub.finish()
        self.assertEqual(code, 0, sub.stderr)
        self.assertEqual([m["payload"]["id"] for m in got], [s["id"] for s in sent])
        self.assertEqual([m["topic"] for m in got], [s["topic"] for s in sent])
        self.assertEqual([(m.get("wireTopic"), m.get("topicAlias")) for m in got], [
            (f"CTI/acme/{agent}", 1), (f"CTI/acme/env-1/{agent}", 2), ("", 1), ("", 2)])


class ServerKeepAlive(ServerTest):
    extra_args = ("--mqtt-allow-anonymous", "--mqtt-max-keepalive", "2")

    def test_a_longer_or_no_keep_alive_is_replaced_by_the_maximum(self):
        for asked, told in ((0, 2), (60, 2), (3, 2), (2, None), (1, None)):
            with self.subTest(keepalive=asked):
                client = Raw5(self.server.mqtt_port, keepalive=asked)
                self.assertEqual(client.reason_code, 0)
                self.assertEqual(client.connack_properties.get(SERVER_KEEP_ALIVE), told)
                client.close()

    def test_the_announced_keep_alive_is_enforced_at_one_and_a_half_times(self):
        client = Raw5(self.server.mqtt_port, keepalive=0)  # "never", but the server says 2 s
        self.addCleanup(client.close)
        self.assertEqual(client.connack_properties[SERVER_KEEP_ALIVE], 2)
        started = time.monotonic()
        client.sock.settimeout(10)
        first, body = client.read()
        self.assertEqual((first >> 4, body[0]), (DISCONNECT, KEEP_ALIVE_TIMEOUT))
        self.assertGreaterEqual(time.monotonic() - started, 2.9)  # 1.5 x 2 s, checked every second

    def test_a_client_pinging_within_the_announced_keep_alive_stays(self):
        client = Raw5(self.server.mqtt_port, keepalive=600)
        self.addCleanup(client.close)
        for _ in range(4):  # 4 s, past 1.5 x 2 s
            time.sleep(1)
            client.ping()

    def test_311_clients_asking_more_or_none_are_refused_with_connack_2(self):
        for asked in (0, 3, 600):
            with self.subTest(keepalive=asked):
                raw = RawMqtt(self.server.mqtt_port, f"ka-{asked}", keepalive=asked)
                self.assertEqual(raw.return_code, 2)  # what mosquitto answers; 3.1.1 has no better code
                self.assertTrue(raw.closed_within(5))
                raw.close()
        self.assertTrue(wait_until(lambda: "mqtt_max_keepalive" in self.server.log_text()))
        for asked in (1, 2):
            with self.subTest(keepalive=asked):
                raw = RawMqtt(self.server.mqtt_port, f"ka-{asked}", keepalive=asked)
                self.assertEqual(raw.return_code, 0)
                raw.close()


class NoKeepAliveMaximumByDefault(ServerTest):
    extra_args = ("--mqtt-allow-anonymous",)

    def test_the_clients_keep_alive_stands(self):
        client = Raw5(self.server.mqtt_port, keepalive=0)
        self.addCleanup(client.close)
        self.assertNotIn(SERVER_KEEP_ALIVE, client.connack_properties)
        raw = RawMqtt(self.server.mqtt_port, "ka-default", keepalive=0)
        self.addCleanup(raw.close)
        self.assertEqual(raw.return_code, 0)
        self.assertFalse(client.closed_within(2))


if __name__ == "__main__":
    unittest.main()
