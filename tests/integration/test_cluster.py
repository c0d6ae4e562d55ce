"""Two nodes on one real redis-server (issue 15; docs/cluster.md): a trigger sent to node A
reaches node B's subscribers over MQTT and SSE, once each, and never another customer's; nothing
is lost when Redis kills B's subscribed connection; triggers are refused while Redis is down.
Redis requires a password here, so the nodes authenticate, and neither node's log may show it. Labelled `cluster` (ctest -L cluster)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

from harness import Server, Sse, wait_until
from mqtt_clients import Mqtt, metric, mosquitto_sub

PASSWORD = "redis-pw-5up3r"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A redis-server of this test's own, on a free port in a temp dir, without persistence."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="popflow-redis-")
        self.port = free_port()
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--requirepass", PASSWORD,
             "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: self.cli("PING") == "PONG", timeout=30):
            self.stop()
            raise AssertionError("redis-server did not start")

    def cli(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.port), "-a", PASSWORD, "--no-auth-warning",
                              *args], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()

    def numsub(self, channel):
        lines = self.cli("PUBSUB", "NUMSUB", channel).splitlines()
        return int(lines[1]) if len(lines) == 2 else -1

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def pause(self):  # SIGSTOP: the kernel still accepts and buffers, nothing answers
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class TwoNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = Redis()
        # Class cleanups run even when setUpClass fails half-way (tearDownClass would not): no
        # redis-server or node outlives the test. Last added, first run: the nodes, then Redis.
        cls.addClassCleanup(cls.redis.stop)
        url = f"redis://:{PASSWORD}@127.0.0.1:{cls.redis.port}/0"
        # One event loop each, as the cluster tests ask. Separate data dirs: each node
        # checks the credentials it issued (the shared store comes later).
        cls.a = Server("--redis", url, "--threads", "1")
        cls.b = Server("--threads", "1", env={"POPFLOW_REDIS": url})  # the environment works too
        for node in (cls.a, cls.b):
            cls.addClassCleanup(node.__exit__, None, None, None)
            node.customer("acme")
            node.customer("globex")
        cls.acme_key = cls.a.api_key("acme")
        cls.globex_key = cls.a.api_key("globex")
        cls.acme_agent_token = cls.b.client_token("acme", "--agent", "1001")
        cls.acme_token = cls.b.client_token("acme")
        cls.globex_token = cls.b.client_token("globex")
        cls.a.start()
        cls.b.start()
        # A's publishing connection is up before a trigger is sent (else it is not handed on).
        assert wait_until(lambda: any(e.get("msg") == "redis connected" and e.get("name", "").startswith("popflow-pub")
                                      for e in cls.a.logs()), timeout=30), cls.a.log_text()

    def trigger(self, key, agent, **data):
        response = self.a.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": key, "event": "On Ring", **data})
        self.assertEqual(response.status, 200, response)
        return response.json()

    def test_a_trigger_sent_to_one_node_reaches_subscribers_on_the_other(self):
        sub = mosquitto_sub(self.b, self.acme_agent_token, "CTI/acme/1001", "CTI/acme/+/1001", count=1,
                            extra=["-W", "60"])
        # B's subscription reached Redis (and A has no subscriber of its own on that channel).
        self.assertTrue(wait_until(lambda: self.redis.numsub("popflow:{c:acme}:a:1001") == 1, timeout=30))
        answer = self.trigger(self.acme_key, "1001", ani="5551234567")
        out, err = sub.communicate(timeout=60)
        topic, _, payload = out.strip().partition(" ")
        self.assertEqual(topic, "CTI/acme/1001", err)
        message = json.loads(payload)
        self.assertEqual(message["id"], answer["id"])
        self.assertEqual(message["data"], {"ani": "5551234567"})

    def test_a_customer_wide_subscriber_gets_each_trigger_once_and_no_other_customer_gets_it(self):
        # B needs both acme channels (the agent's for mosquitto_sub's, the customer's for the
        # stream), so each acme trigger reaches B twice; the stream must see it once.
        stream = Sse(self.b, ["CTI/acme/#"], token=self.acme_token, timeout=60)
        agent = Mqtt(self.b, self.acme_agent_token, version=4)
        self.assertEqual(agent.subscribe("CTI/acme/+/1001"), [1])
        other = Mqtt(self.b, self.globex_token, version=5)
        self.assertEqual(other.subscribe("CTI/globex/#"), [1])
        self.assertTrue(wait_until(lambda: self.redis.numsub("popflow:{c:acme}:all") == 1
                                   and self.redis.numsub("popflow:{c:acme}:a:1001") == 1
                                   and self.redis.numsub("popflow:{c:globex}:all") == 1, timeout=30))
        try:
            first = self.trigger(self.acme_key, "1001", ctiId="env-1", case="first")
            second = self.trigger(self.acme_key, "2002", case="second")
            self.assertEqual(json.loads(stream.next_message()["data"])["id"], first["id"])
            self.assertEqual(json.loads(stream.next_message()["data"])["id"], second["id"])  # not first again
            msg = agent.next_message(timeout=60)
            self.assertEqual((msg.topic, json.loads(msg.payload)["id"]), ("CTI/acme/env-1/1001", first["id"]))
            # globex's first message is its own trigger, sent after acme's: acme's never came.
            own = self.trigger(self.globex_key, "1001", case="globex")
            msg = other.next_message(timeout=60)
            self.assertEqual((msg.topic, json.loads(msg.payload)["id"]), ("CTI/globex/1001", own["id"]))
        finally:
            stream.close()
            agent.disconnect()
            other.disconnect()

    def test_the_redis_password_never_reaches_a_log(self):
        for node in (self.a, self.b):
            self.assertTrue(any(e.get("msg") == "cluster backplane started" for e in node.logs()), node.log_text())
            self.assertNotIn(PASSWORD, node.log_text())


def connections_up(node, prefix):
    """How many times the node's connection named prefix… came up (one line each time)."""
    return sum(1 for e in node.logs() if e.get("msg") == "redis connected" and e.get("name", "").startswith(prefix))


class RedisGoesAway(unittest.TestCase):
    """Redis restarted, or the subscribed connection killed by Redis (what a slow pub/sub consumer
    gets): the nodes reconnect and subscribe again by themselves, and triggers flow again without
    restarting either node. (Triggers sent while Redis is away are refused: RedisDown.)"""

    @classmethod
    def setUpClass(cls):
        cls.redis = Redis()
        # Class cleanups run even when setUpClass fails half-way (tearDownClass would not): no
        # redis-server or node outlives the test. Last added, first run: the nodes, then Redis.
        cls.addClassCleanup(cls.redis.stop)
        url = f"redis://:{PASSWORD}@127.0.0.1:{cls.redis.port}"
        cls.a = Server("--redis", url, "--threads", "1")
        cls.b = Server("--redis", url, "--threads", "1")
        for node in (cls.a, cls.b):
            cls.addClassCleanup(node.__exit__, None, None, None)
            node.customer("acme")
        cls.key = cls.a.api_key("acme")
        cls.token = cls.b.client_token("acme", "--agent", "1001")
        cls.a.start()
        cls.b.start()

    def delivered_across(self, client, case):
        """A trigger sent to A reaches `client` on B."""
        answer = self.a.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring",
                                                           "case": case})
        self.assertEqual(answer.status, 200, answer)
        msg = client.next_message(timeout=60)
        self.assertEqual(json.loads(msg.payload)["id"], answer.json()["id"])

    def test_delivery_resumes_after_redis_restarts_and_after_its_pubsub_connection_is_killed(self):
        client = Mqtt(self.b, self.token, version=5)
        try:
            self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            channel = "popflow:{c:acme}:a:1001"
            self.assertTrue(wait_until(lambda: self.redis.numsub(channel) == 1 and connections_up(self.a, "popflow-pub") >= 1,
                                       timeout=30))
            self.delivered_across(client, "before")

            pub_before, sub_before = connections_up(self.a, "popflow-pub"), connections_up(self.b, "popflow-sub")
            self.redis.kill()
            self.redis.start()
            # Both nodes notice, reconnect with backoff, and B subscribes again.
            self.assertTrue(wait_until(lambda: connections_up(self.a, "popflow-pub") > pub_before
                                       and connections_up(self.b, "popflow-sub") > sub_before
                                       and self.redis.numsub(channel) == 1, timeout=60))
            self.delivered_across(client, "after restart")

            sub_before = connections_up(self.b, "popflow-sub")
            self.assertEqual(self.redis.cli("CLIENT", "KILL", "TYPE", "pubsub"), "1")  # B's: A subscribes to nothing
            self.assertTrue(wait_until(lambda: connections_up(self.b, "popflow-sub") > sub_before
                                       and self.redis.numsub(channel) == 1, timeout=60))
            self.delivered_across(client, "after kill")
        finally:
            client.disconnect()


    def test_a_subscriber_connected_while_its_nodes_pubsub_connection_is_killed_misses_nothing(self):
        """Triggers sent to A one after another while Redis kills B's subscribed connection twice
        (what a slow pub/sub consumer gets): every trigger answered 200 reaches B's MQTT
        subscriber once and in order, those published while B was resubscribing read back from
        the agent's stream (docs/cluster.md "Receiving")."""
        client = Mqtt(self.b, self.token, version=5)
        try:
            self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            channel = "popflow:{c:acme}:a:1001"
            self.assertTrue(wait_until(lambda: self.redis.numsub(channel) == 1 and self.a.request("GET", "/readyz").status == 200
                                       and self.b.request("GET", "/readyz").status == 200, timeout=30))
            self.delivered_across(client, "warm-up")  # B's position in the stream is known
            repaired_before = metric(self.b, "popflow_backplane_messages_repaired_total")
            sent = []
            for i in range(150):
                answer = self.a.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key,
                                                                   "event": "On Ring", "n": i})
                self.assertEqual(answer.status, 200, answer)
                sent.append(answer.json()["id"])
                if i in (40, 100):
                    self.assertTrue(wait_until(lambda: self.redis.numsub(channel) == 1, timeout=30))
                    self.assertEqual(self.redis.cli("CLIENT", "KILL", "TYPE", "pubsub"), "1")  # B's
            got = [json.loads(client.next_message(timeout=60).payload)["id"] for _ in sent]
            self.assertEqual(got, sent)
            self.assertTrue(client.no_message(wait=0.5))  # and nothing twice
            self.assertGreater(metric(self.b, "popflow_backplane_messages_repaired_total"), repaired_before)
            self.assertEqual(metric(self.b, "popflow_backplane_messages_lost_total"), 0)
        finally:
            client.disconnect()


class RedisDown(unittest.TestCase):
    """Redis stopped (docs/cluster.md "Failure behaviour"): a trigger gets 503 backplane_unavailable
    with Retry-After instead of a 200 no other node would see, /readyz is 503 on both nodes, and
    MQTT and SSE connections stay up. Redis started again on the same port: both nodes are ready
    within seconds, and triggers are answered 200 and delivered across nodes again on the very
    same connections, without restarting either node."""

    @classmethod
    def setUpClass(cls):
        cls.redis = Redis()
        cls.addClassCleanup(cls.redis.stop)
        url = f"redis://:{PASSWORD}@127.0.0.1:{cls.redis.port}"
        cls.a = Server("--redis", url, "--threads", "1")
        cls.b = Server("--redis", url, "--threads", "1")
        for node in (cls.a, cls.b):
            cls.addClassCleanup(node.__exit__, None, None, None)
            node.customer("acme")
        cls.key = cls.a.api_key("acme")
        cls.mqtt_token = cls.b.client_token("acme", "--agent", "1001")
        cls.sse_token = cls.b.client_token("acme", "--agent", "1001")
        cls.a.start()
        cls.b.start()

    def ready(self, node):
        return node.request("GET", "/readyz").status == 200

    def send(self, case, headers=None):
        return self.a.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring",
                                                         "case": case}, headers=headers)

    def received_on_both(self, mqtt, stream, answer):
        self.assertEqual(answer.status, 200, answer)
        msg = mqtt.next_message(timeout=60)
        self.assertEqual(json.loads(msg.payload)["id"], answer.json()["id"])
        self.assertEqual(json.loads(stream.next_message()["data"])["id"], answer.json()["id"])

    def test_a_200_waits_for_redis_so_a_trigger_redis_never_took_is_refused_not_answered_200(self):
        """Redis stopped with SIGSTOP (it accepts, never answers): a trigger already published
        on A is not answered 200 for the other nodes' sake until Redis takes it; when the
        publishing connection's reply deadline (5 s) gives up, it is 503
        backplane_unavailable, counted unsent. Then Redis is resumed and the next trigger is
        a 200 again."""
        self.assertTrue(wait_until(lambda: self.ready(self.a), timeout=30))
        self.assertEqual(self.send("warm").status, 200)
        unsent = metric(self.a, "popflow_backplane_triggers_unsent_total")
        self.redis.pause()
        try:
            r = self.a.request("POST", "/api/sendmessage/CTI", body={"agentId": "1001", "jwt": self.key,
                                                                     "event": "On Ring", "case": "stopped"}, timeout=30)
            self.assertEqual((r.status, r.json()["code"]), (503, "backplane_unavailable"), r)
            self.assertIn("not the other nodes", r.json()["message"])
            self.assertEqual(metric(self.a, "popflow_backplane_triggers_unsent_total"), unsent + 1)
        finally:
            self.redis.resume()
        self.assertTrue(wait_until(lambda: self.ready(self.a) and self.send("back").status == 200, timeout=30))

    def test_triggers_are_refused_while_redis_is_down_and_flow_again_once_it_is_back(self):
        channel = "popflow:{c:acme}:a:1001"
        mqtt = Mqtt(self.b, self.mqtt_token, version=5)
        stream = Sse(self.b, ["CTI/acme/1001"], token=self.sse_token, timeout=60)
        try:
            self.assertEqual(mqtt.subscribe("CTI/acme/1001"), [1])
            self.assertTrue(wait_until(lambda: self.ready(self.a) and self.ready(self.b)
                                       and self.redis.numsub(channel) == 1, timeout=30),
                            self.a.log_text() + self.b.log_text())
            self.received_on_both(mqtt, stream, self.send("before"))

            self.redis.kill()
            # A notices its publishing connection closed and refuses rather than answer 200 for
            # a trigger no other node would see.
            refused = wait_until(lambda: (r := self.send("down")).status == 503 and r, timeout=30, interval=0.1)
            self.assertTrue(refused, self.a.log_text())
            self.assertEqual(refused.json()["code"], "backplane_unavailable")
            self.assertGreaterEqual(int(refused.headers["retry-after"]), 1)
            # Nothing was published or remembered: the sender's retry with its key is safe.
            retry = {"Idempotency-Key": "ring-42"}
            self.assertEqual(self.send("retried", retry).status, 503)
            for node in (self.a, self.b):
                self.assertTrue(wait_until(lambda: not self.ready(node), timeout=30))
                readyz = node.request("GET", "/readyz")
                self.assertEqual((readyz.status, readyz.json()["status"]), (503, "backplane_unavailable"))
            self.assertEqual(metric(self.a, 'popflow_backplane_connected{link="publish"}'), 0)
            self.assertEqual(metric(self.b, 'popflow_backplane_connected{link="subscribe"}'), 0)
            self.assertGreaterEqual(metric(self.a, "popflow_backplane_triggers_refused_total"), 1)
            # The clients' connections stay up: B still holds both, and nobody was told to leave.
            self.assertEqual(metric(self.b, 'popflow_open_connections{kind="mqtt"}'), 1)
            self.assertEqual(metric(self.b, 'popflow_open_connections{kind="sse"}'), 1)
            self.assertTrue(mqtt.disconnects.empty())

            self.redis.start()  # the same port, nothing restarted on the nodes' side
            self.assertTrue(wait_until(lambda: self.ready(self.a) and self.ready(self.b)
                                       and self.redis.numsub(channel) == 1, timeout=60),
                            self.a.log_text() + self.b.log_text())
            self.received_on_both(mqtt, stream, self.send("after"))
            retried = self.send("retried", retry)
            self.assertNotIn("idempotent-replayed", retried.headers)  # handled afresh, not a replay
            self.received_on_both(mqtt, stream, retried)
            # The same connections got it: the MQTT client never disconnected or connected again.
            self.assertTrue(mqtt.disconnects.empty())
            self.assertTrue(mqtt.connacks.empty())
            self.assertEqual(metric(self.a, 'popflow_backplane_connected{link="publish"}'), 1)
            self.assertGreaterEqual(metric(self.a, 'popflow_backplane_reconnects_total{link="publish"}'), 1)
            self.assertGreaterEqual(metric(self.b, 'popflow_backplane_reconnects_total{link="subscribe"}'), 1)
            self.assertEqual(metric(self.b, "popflow_backplane_messages_received_total"), 3)
        finally:
            stream.close()
            mqtt.disconnect()


if __name__ == "__main__":
    unittest.main()
