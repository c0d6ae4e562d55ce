"""Hostile input against the real binary: each attack is refused or cut off, and the server
keeps answering everyone else (issue #5, docs/security.md)."""
import socket
import struct
import time
import unittest

from harness import ServerTest, wait_until
from mqtt_clients import Mqtt, RawMqtt


def mqtt_socket(server):
    return socket.create_connection(("127.0.0.1", server.mqtt_port), timeout=5)


def closed(sock, within=5):
    sock.settimeout(within)
    try:
        while True:
            if sock.recv(4096) == b"":
                return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


class MalformedMqtt(ServerTest):
    extra_args = ("--mqtt-allow-anonymous",)

    def assert_cut_off(self, payload, connect_first=False):
        sock = mqtt_socket(self.server)
        if connect_first:
            body = struct.pack(">H", 4) + b"MQTT" + bytes([4, 2]) + struct.pack(">H", 60) + struct.pack(">H", 1) + b"x"
            sock.sendall(bytes([0x10, len(body)]) + body)
            self.assertEqual(sock.recv(4)[:1], b"\x20")  # CONNACK
        sock.sendall(payload)
        self.assertTrue(closed(sock), payload[:20])
        sock.close()

    def test_garbage_before_connect(self):
        self.assert_cut_off(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")

    def test_first_packet_not_connect(self):
        self.assert_cut_off(bytes([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, ord("a"), 0x00]))

    def test_remaining_length_over_four_bytes(self):
        self.assert_cut_off(bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), connect_first=True)

    def test_reserved_flags_and_bad_qos(self):
        self.assert_cut_off(bytes([0x36, 0x05, 0x00, 0x01, ord("a"), 0x00, 0x01]), connect_first=True)  # QoS 3
        self.assert_cut_off(bytes([0x83, 0x06, 0x00, 0x01, 0x00, 0x01, ord("a"), 0x00]), connect_first=True)

    def test_wildcard_in_publish_topic_and_invalid_utf8(self):
        self.assert_cut_off(bytes([0x30, 0x05, 0x00, 0x03]) + b"a/#", connect_first=True)
        self.assert_cut_off(bytes([0x30, 0x04, 0x00, 0x02, 0xC3, 0x28]), connect_first=True)

    def test_second_connect(self):
        body = struct.pack(">H", 4) + b"MQTT" + bytes([4, 2]) + struct.pack(">H", 60) + struct.pack(">H", 1) + b"y"
        self.assert_cut_off(bytes([0x10, len(body)]) + body, connect_first=True)

    def test_server_keeps_answering(self):
        for _ in range(20):
            s = mqtt_socket(self.server)
            s.sendall(bytes(range(256)))
            s.close()
        client = Mqtt(self.server, None)
        self.assertTrue(client.accepted)
        client.disconnect()
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)


class HttpFloods(ServerTest):
    extra_args = ("--read-timeout", "500ms", "--max-body-bytes", "4096")

    def test_slow_body_is_cut_by_the_read_timeout(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        sock.sendall(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"agentId\":")
        start = time.monotonic()
        for _ in range(5):  # a byte now and then does not keep it alive
            time.sleep(0.2)
            try:
                sock.sendall(b" ")
            except OSError:
                break
        self.assertTrue(closed(sock, within=3))
        self.assertLess(time.monotonic() - start, 4)
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)

    def test_endless_chunked_body_is_refused_at_the_limit(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        sock.sendall(b"POST /api/sendmessage/CTI HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/json\r\n\r\n")
        answer = b""
        try:
            for _ in range(10):
                sock.sendall(b"400\r\n" + b"x" * 0x400 + b"\r\n")
            answer = sock.recv(4096)
        except OSError:
            pass
        self.assertIn(b"413", answer.split(b"\r\n")[0])
        sock.close()

    def test_many_headers_are_refused(self):
        headers = {f"X-H{i}": "v" * 50 for i in range(400)}
        self.assertEqual(self.server.request("GET", "/healthz", headers=headers).status, 431)

    def test_topic_injection_through_fields(self):
        for field, value in [("agentId", "1001/#"), ("agentId", "../other"), ("ctiId", "+"),
                             ("agentId", "1001\n"), ("agentId", "a\u202eb/x")]:
            r = self.server.post_json("/api/sendmessage/CTI", {"jwt": self.key, "agentId": "1", "event": "e",
                                                               field: value})
            self.assertEqual(r.status, 400, (field, value))


if __name__ == "__main__":
    unittest.main()
