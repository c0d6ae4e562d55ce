"""Synchronous wrappers around clients nobody here wrote: Debian's paho-mqtt (1.6) and
mosquitto_sub/mosquitto_pub. A tiny raw-socket client exists only for what paho hides
(not acknowledging a PUBLISH, staying silent past keep-alive)."""
import queue
import socket
import struct
import subprocess
import threading
import time

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


class Mqtt:
    """One paho client. version 5 or 4 (3.1.1); transport "tcp" or "websockets"."""

    def __init__(self, server, token=None, client_id="", version=5, transport="tcp", clean=True,
                 session_expiry=None, will=None, keepalive=60, connect=True):
        self.version = version
        protocol = paho.MQTTv5 if version == 5 else paho.MQTTv311
        kwargs = {} if version == 5 else {"clean_session": clean}
        self.client = paho.Client(client_id=client_id, protocol=protocol, transport=transport, **kwargs)
        if transport == "websockets":
            self.client.ws_set_options(path="/mqtt")
        if token is not None:
            self.client.username_pw_set("agent", token)
        if will:
            topic, payload, qos, retain, *rest = will
            props = None
            if rest and version == 5:
                props = Properties(PacketTypes.WILLMESSAGE)
                props.WillDelayInterval = rest[0]
            self.client.will_set(topic, payload, qos, retain, properties=props)
        self.messages = queue.Queue()
        self.connacks = queue.Queue()
        self.subacks = queue.Queue()
        self.disconnects = queue.Queue()
        self.client.on_connect = lambda c, u, flags, rc, props=None: self.connacks.put((rc, flags, props))
        self.client.on_message = lambda c, u, msg: self.messages.put(msg)
        self.client.on_subscribe = lambda c, u, mid, granted, props=None: self.subacks.put(granted)
        self.client.on_disconnect = lambda c, u, rc, props=None: self.disconnects.put(rc)
        self.port = server.port if transport == "websockets" else server.mqtt_port
        self.session_expiry = session_expiry
        self.clean = clean
        self.keepalive = keepalive
        if connect:
            self.connect()

    def connect(self):
        kwargs = {}
        if self.version == 5:
            kwargs["clean_start"] = self.clean
            if self.session_expiry is not None:
                props = Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = self.session_expiry
                kwargs["properties"] = props
        self.client.connect("127.0.0.1", self.port, keepalive=self.keepalive, **kwargs)
        self.client.loop_start()
        self.rc, self.flags, self.connack_props = self.connacks.get(timeout=10)
        return self

    @property
    def accepted(self):
        return (self.rc == 0) if isinstance(self.rc, int) else (self.rc.value == 0)

    def subscribe(self, topic, qos=1, **options):
        if self.version == 5:
            opts = paho.SubscribeOptions(qos=qos, **options)
            self.client.subscribe(topic, options=opts)
        else:
            self.client.subscribe(topic, qos)
        granted = self.subacks.get(timeout=10)
        return [g.value if hasattr(g, "value") else g for g in granted]

    def unsubscribe(self, topic):
        done = threading.Event()
        self.client.on_unsubscribe = lambda *a: done.set()
        self.client.unsubscribe(topic)
        assert done.wait(5)

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.client.publish(topic, payload, qos, retain, properties=properties)
        info.wait_for_publish(5)
        return info

    def next_message(self, timeout=10):
        return self.messages.get(timeout=timeout)

    def no_message(self, wait=0.5):
        try:
            msg = self.messages.get(timeout=wait)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected message on {msg.topic}: {msg.payload[:100]!r}")

    def disconnected(self, timeout=5):
        rc = self.disconnects.get(timeout=timeout)
        return rc.value if hasattr(rc, "value") else rc

    def disconnect(self):
        self.client.disconnect()
        self.client.loop_stop()

    def kill(self):
        """Drops the connection without DISCONNECT, as a crashed app would."""
        self.client.loop_stop()
        sock = self.client.socket()
        if sock:
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class RawMqtt:
    """MQTT 3.1.1 over a plain socket, for behaviour paho does not let a test control."""

    def __init__(self, port, client_id, clean=True, keepalive=60, password=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        flags = 0x02 if clean else 0
        payload = self._str(client_id)
        if password is not None:
            flags |= 0xC0
            payload += self._str("agent") + self._str(password)
        body = self._str("MQTT") + bytes([4, flags]) + struct.pack(">H", keepalive) + payload
        self.sock.sendall(self._packet(0x10, body))
        ptype, body = self.read()
        assert ptype == 0x20, ptype
        self.session_present, self.return_code = body[0] & 1, body[1]

    @staticmethod
    def _str(text):
        data = text.encode()
        return struct.pack(">H", len(data)) + data

    @staticmethod
    def _packet(first, body):
        length, n = b"", len(body)
        while True:
            byte, n = n % 128, n // 128
            length += bytes([byte | (0x80 if n else 0)])
            if not n:
                return bytes([first]) + length + body

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError("closed")
            data += chunk
        return data

    def read(self):
        first = self._recv_exact(1)[0]
        length, shift = 0, 0
        while True:
            byte = self._recv_exact(1)[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        return first, self._recv_exact(length)

    def subscribe(self, topic, qos=1, packet_id=1):
        self.sock.sendall(self._packet(0x82, struct.pack(">H", packet_id) + self._str(topic) + bytes([qos])))
        ptype, body = self.read()
        assert ptype == 0x90, ptype
        return list(body[2:])

    def read_publish(self):
        first, body = self.read()
        assert first >> 4 == 3, first
        topic_len = struct.unpack(">H", body[:2])[0]
        topic = body[2:2 + topic_len].decode()
        qos = (first >> 1) & 3
        packet_id = struct.unpack(">H", body[2 + topic_len:4 + topic_len])[0] if qos else 0
        payload = body[2 + topic_len + (2 if qos else 0):]
        return {"topic": topic, "qos": qos, "dup": bool(first & 0x08), "packet_id": packet_id, "payload": payload}

    def puback(self, packet_id):
        self.sock.sendall(self._packet(0x40, struct.pack(">H", packet_id)))

    def ping(self):
        """PINGREQ, then waits for PINGRESP: everything sent before has been handled."""
        self.sock.sendall(bytes([0xC0, 0]))
        ptype, _ = self.read()
        assert ptype == 0xD0, ptype

    def closed_within(self, seconds):
        self.sock.settimeout(seconds)
        try:
            return self.sock.recv(1) == b""
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def mosquitto_sub(server, token, *topics, count=1, version="mqttv311", extra=()):
    """Starts mosquitto_sub; returns the process (stdout: 'topic payload' lines)."""
    args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(server.mqtt_port), "-V", version, "-q", "1",
            "-C", str(count), "-W", "10", "-v", *extra]
    if token:
        args += ["-u", "agent", "-P", token]
    for topic in topics:
        args += ["-t", topic]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_subscribed(server, topic_count_metric_before, timeout=15):
    """Waits until the router holds more subscriptions than before (a subscriber is ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subscriptions(server) > topic_count_metric_before:
            return True
        time.sleep(0.02)
    return False


def subscriptions(server):
    for line in server.request("GET", "/metrics").body.splitlines():
        if line.startswith("popflow_subscriptions "):
            return int(line.split()[1])
    return 0


def metric(server, name):
    for line in server.request("GET", "/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None
