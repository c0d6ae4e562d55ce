"""Three nodes, one event loop each, on one PostgreSQL store and one Redis (issue 15): what a
contact center behind a load balancer sees. A trigger sent to any node reaches subscribers on
the others over MQTT 3.1.1, MQTT 5, MQTT over WebSocket and SSE, once each; an agent's token
and another customer's see nothing they may not; three senders firing at three nodes at once
keep each sender's order at every subscriber; the same Idempotency-Key sent to three nodes at
once publishes once, and a retry on any node gets the first answer. Every credential here is made once, by a
command with a data dir of its own: only the store is shared. Labelled `cluster`."""
import json
import queue
import threading
import unittest

from harness import Server, Sse, wait_until
from mqtt_clients import Mqtt
from test_cluster_store import store_and_redis


def trigger(node, key, agent, **data):
    r = node.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": key, "event": "On Ring", **data})
    assert r.status == 200, r
    return r.json()["id"]


class ThreeNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = store_and_redis(cls)
        with Server(env={"POPFLOW_STORE": cls.pg.url}) as admin:  # never started: its CLI only
            admin.customer("acme")
            admin.customer("globex")
            cls.key = admin.api_key("acme")
            cls.globex_key = admin.api_key("globex")
            cls.agent_token = admin.client_token("acme", "--agent", "1001")
            cls.customer_token = admin.client_token("acme")
            cls.globex_token = admin.client_token("globex")
        cls.nodes = [Server("--threads", "1", env=env) for _ in range(3)]
        for node in cls.nodes:
            cls.addClassCleanup(node.__exit__, None, None, None)
            node.start()
        assert wait_until(lambda: all(node.request("GET", "/readyz").status == 200 for node in cls.nodes), timeout=30)

    def subscribed_everywhere(self, channel, nodes):
        """Redis confirmed the channel for `nodes` nodes: what is published from now on reaches them."""
        def count():
            lines = self.redis.cli("PUBSUB", "NUMSUB", channel).splitlines()
            return int(lines[1]) if len(lines) == 2 else -1
        self.assertTrue(wait_until(lambda: count() == nodes, timeout=30), f"{channel}: {count()} nodes")

    def test_every_protocol_on_the_other_nodes_gets_a_trigger_once(self):
        a, b, c = self.nodes
        clients = [Mqtt(b, self.agent_token, version=4), Mqtt(c, self.agent_token, version=5),
                   Mqtt(b, self.agent_token, version=5, transport="websockets")]
        stream = Sse(c, ["CTI/acme/1001"], token=self.agent_token)
        try:
            for client in clients:
                self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            self.subscribed_everywhere("popflow:{c:acme}:a:1001", 2)
            first = trigger(a, self.key, "1001", ani="5550001")
            second = trigger(a, self.key, "1001", ani="5550002")
            for client in clients:
                got = [json.loads(client.next_message(timeout=30).payload)["id"] for _ in range(2)]
                self.assertEqual(got, [first, second])
                self.assertTrue(client.no_message(wait=0.3))
            self.assertEqual([json.loads(stream.next_message()["data"])["id"] for _ in range(2)], [first, second])
        finally:
            stream.close()
            for client in clients:
                client.disconnect()

    def test_an_agents_token_and_another_customer_see_nothing_they_may_not(self):
        a, b, c = self.nodes
        agent = Mqtt(b, self.agent_token, version=5)
        everyone = Mqtt(c, self.customer_token, version=5)  # acme-wide: every agent of acme
        globex = Mqtt(c, self.globex_token, version=5)
        try:
            self.assertEqual(agent.subscribe("CTI/acme/1001"), [1])
            self.assertGreaterEqual(agent.subscribe("CTI/acme/1002")[0], 0x80)  # another agent's: refused
            self.assertEqual(everyone.subscribe("CTI/acme/#"), [1])
            self.assertEqual(globex.subscribe("CTI/globex/#"), [1])
            self.assertGreaterEqual(globex.subscribe("CTI/acme/#")[0], 0x80)  # another customer's: refused
            self.subscribed_everywhere("popflow:{c:acme}:a:1001", 1)
            self.subscribed_everywhere("popflow:{c:acme}:all", 1)
            self.subscribed_everywhere("popflow:{c:globex}:all", 1)
            for_1002 = trigger(a, self.key, "1002")
            for_1001 = trigger(a, self.key, "1001")
            self.assertEqual(json.loads(agent.next_message(timeout=30).payload)["id"], for_1001)
            self.assertEqual([json.loads(everyone.next_message(timeout=30).payload)["id"] for _ in range(2)],
                             [for_1002, for_1001])
            self.assertTrue(agent.no_message(wait=0.3))
            self.assertTrue(globex.no_message(wait=0.3))
            own = trigger(b, self.globex_key, "1001")  # globex's own trigger, through another node
            self.assertEqual(json.loads(globex.next_message(timeout=30).payload)["id"], own)
            self.assertTrue(agent.no_message(wait=0.3))
            self.assertTrue(everyone.no_message(wait=0.1))
        finally:
            for client in (agent, everyone, globex):
                client.disconnect()

    def test_three_senders_at_three_nodes_keep_each_senders_order_at_every_subscriber(self):
        clients = [Mqtt(node, self.agent_token, version=5) for node in self.nodes]
        try:
            for client in clients:
                self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            self.subscribed_everywhere("popflow:{c:acme}:a:1001", 3)
            sent = {}  # sender -> ids in the order their answers came

            def sender(index):
                sent[index] = [trigger(self.nodes[index], self.key, "1001", sender=index, n=n) for n in range(60)]

            threads = [threading.Thread(target=sender, args=(i,)) for i in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            everything = {ident for ids in sent.values() for ident in ids}
            self.assertEqual(len(everything), 180)
            for node_index, client in enumerate(clients):
                got = []
                try:
                    while len(got) < 180:
                        got.append(json.loads(client.next_message(timeout=30).payload)["id"])
                except queue.Empty:
                    pass
                self.assertEqual(len(got), 180, f"node {node_index} got {len(got)} of 180")
                self.assertEqual(set(got), everything)  # each once
                for index, ids in sent.items():
                    self.assertEqual([ident for ident in got if ident in set(ids)], ids,
                                     f"sender {index}'s order at node {node_index}")
        finally:
            for client in clients:
                client.disconnect()

    def test_the_same_idempotency_key_sent_to_three_nodes_at_once_publishes_once(self):
        client = Mqtt(self.nodes[2], self.agent_token, version=5)
        try:
            self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            self.subscribed_everywhere("popflow:{c:acme}:a:1001", 1)
            firsts = {}
            for call in range(20):
                answers = [None] * 3
                go = threading.Barrier(3)

                def send(index):
                    go.wait()
                    answers[index] = self.nodes[index].post_json(
                        "/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring", "call": call},
                        headers={"Idempotency-Key": f"call-{call}"})

                threads = [threading.Thread(target=send, args=(i,)) for i in range(3)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                fresh = [r for r in answers if r.status == 200 and r.headers.get("idempotent-replayed") != "true"]
                self.assertEqual(len(fresh), 1, [(r.status, r.body) for r in answers])
                firsts[call] = fresh[0].json()["id"]
                for r in answers:
                    if r is fresh[0]:
                        continue
                    if r.status == 200:  # replayed: the first answer, byte for byte
                        self.assertEqual(r.body, fresh[0].body)
                    else:  # still being handled on the node that claimed it
                        self.assertEqual((r.status, r.json()["code"]), (409, "idempotency_conflict"))
            got = []
            try:
                while True:
                    got.append(json.loads(client.next_message(timeout=2).payload)["id"])
            except queue.Empty:
                pass
            self.assertEqual(got, [firsts[call] for call in range(20)])  # each once, in order
            # A retry later, on any node, gets the first answer back.
            for call, node in ((0, self.nodes[1]), (7, self.nodes[0]), (19, self.nodes[2])):
                r = node.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring",
                                                            "call": call},
                                   headers={"Idempotency-Key": f"call-{call}"})
                self.assertEqual((r.status, r.headers.get("idempotent-replayed")), (200, "true"))
                self.assertEqual(r.json()["id"], firsts[call])
            self.assertTrue(client.no_message(wait=0.3))
        finally:
            client.disconnect()


if __name__ == "__main__":
    unittest.main()
