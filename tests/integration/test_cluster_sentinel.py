"""Two nodes on a Redis master + replica watched by a Sentinel (issue 15; docs/cluster.md
"Sentinel"): the nodes find the master by asking the Sentinel, a trigger sent to one reaches the
other's subscriber, and when the master is killed (`kill -9`) under a stream of triggers the
Sentinel promotes the replica, both nodes follow it by themselves, triggers are answered 200
again within seconds and every one of those reaches the other node's subscriber, once and in
order: no node stays silently deaf. Labelled `cluster` (ctest -L cluster)."""
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from harness import Server, wait_until
from mqtt_clients import Mqtt
from test_cluster import PASSWORD, free_port

MASTER = "popflow"


class RedisWithSentinel:
    """A master, its replica and one Sentinel (quorum 1), on free ports in a temp dir. Every
    instance requires PASSWORD; the Sentinel itself does not."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="popflow-sentinel-")
        self.master_port, self.replica_port, self.sentinel_port = free_port(), free_port(), free_port()
        self.procs = {}
        self.start_redis("master", self.master_port)
        self.start_redis("replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.master_port))
        conf = os.path.join(self.dir, "sentinel.conf")
        with open(conf, "w") as f:
            f.write(f"port {self.sentinel_port}\nbind 127.0.0.1\ndir {self.dir}\n"
                    f"sentinel monitor {MASTER} 127.0.0.1 {self.master_port} 1\n"
                    f"sentinel auth-pass {MASTER} {PASSWORD}\n"
                    f"sentinel down-after-milliseconds {MASTER} 1000\n"
                    f"sentinel failover-timeout {MASTER} 10000\n")
        self.procs["sentinel"] = subprocess.Popen(
            ["redis-server", conf, "--sentinel", "--logfile", os.path.join(self.dir, "sentinel.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: self.master_address() == ("127.0.0.1", self.master_port)
                          and self.cli(self.replica_port, "INFO", "replication").find("master_link_status:up") >= 0,
                          timeout=30):
            self.stop()
            raise AssertionError("the Sentinel or the replica did not come up")

    def start_redis(self, name, port, *extra):
        self.procs[name] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--requirepass", PASSWORD, "--masterauth", PASSWORD,
             "--logfile", os.path.join(self.dir, name + ".log"), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: self.cli(port, "PING") == "PONG", timeout=30):
            raise AssertionError(f"redis-server {name} did not start")

    def cli(self, port, *args, password=PASSWORD):
        auth = ["-a", password, "--no-auth-warning"] if password else []
        out = subprocess.run(["redis-cli", "-p", str(port), *auth, *args], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()

    def master_address(self):
        lines = self.cli(self.sentinel_port, "SENTINEL", "get-master-addr-by-name", MASTER, password=None).splitlines()
        return (lines[0], int(lines[1])) if len(lines) == 2 else None

    @property
    def url(self):
        return f"redis+sentinel://:{PASSWORD}@127.0.0.1:{self.sentinel_port}/{MASTER}"

    def kill_master(self):
        self.procs["master"].kill()
        self.procs["master"].wait()

    def stop(self):
        for proc in self.procs.values():
            proc.kill()
            proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class SentinelFailover(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = RedisWithSentinel()
        cls.addClassCleanup(cls.redis.stop)
        cls.a = Server("--redis", cls.redis.url, "--threads", "1")
        cls.b = Server("--redis", cls.redis.url, "--threads", "1")
        for node in (cls.a, cls.b):
            cls.addClassCleanup(node.__exit__, None, None, None)
            node.customer("acme")
        cls.key = cls.a.api_key("acme")
        cls.token = cls.b.client_token("acme", "--agent", "1001")
        cls.a.start()
        cls.b.start()

    def ready(self):
        return all(node.request("GET", "/readyz").status == 200 for node in (self.a, self.b))

    def send(self, n):
        return self.a.post_json("/api/sendmessage/CTI", {"agentId": "1001", "jwt": self.key, "event": "On Ring",
                                                         "n": n})

    def test_the_nodes_follow_a_failover_and_nothing_answered_200_afterwards_is_lost(self):
        self.assertTrue(wait_until(self.ready, timeout=30), self.a.log_text()[-3000:])
        # Each node found the master through the Sentinel and names it.
        masters = {e.get("master") for e in self.a.logs() if e.get("msg") == "redis connected"}
        self.assertEqual(masters, {f"127.0.0.1:{self.redis.master_port}"})
        self.assertNotIn(PASSWORD, self.a.log_text() + self.b.log_text())

        client = Mqtt(self.b, self.token, version=5)
        try:
            self.assertEqual(client.subscribe("CTI/acme/1001"), [1])
            self.assertTrue(wait_until(lambda: self.redis.cli(self.redis.master_port, "PUBSUB", "NUMSUB",
                                                              "popflow:{c:acme}:a:1001").splitlines()[-1] == "1",
                                       timeout=30))
            first = self.send("warm-up")
            self.assertEqual(first.status, 200, first)
            self.assertEqual(json.loads(client.next_message(timeout=30).payload)["id"], first.json()["id"])

            # A stream of triggers, one every 20 ms, while the master dies and the replica takes over.
            answers, stop = [], threading.Event()

            def sender():
                n = 0
                while not stop.is_set():
                    r = self.send(n)
                    answers.append((time.monotonic(), r.status, r.json().get("id") or r.json().get("code")))
                    n += 1
                    time.sleep(0.02)

            thread = threading.Thread(target=sender)
            thread.start()
            time.sleep(0.5)
            killed_at = time.monotonic()
            self.redis.kill_master()
            try:
                promoted = wait_until(lambda: self.redis.master_address() == ("127.0.0.1", self.redis.replica_port),
                                      timeout=60)
                self.assertTrue(promoted, "the Sentinel did not promote the replica")
                resumed = wait_until(lambda: any(at > killed_at and status == 200 for at, status, _ in answers[-5:])
                                     and self.ready(), timeout=60)
                self.assertTrue(resumed, self.a.log_text()[-4000:])
                resumed_at = next(at for at, status, _ in answers if at > killed_at and status == 200)
                time.sleep(1.0)  # triggers keep flowing after the failover
            finally:
                stop.set()
                thread.join()
            print(f"\nmaster killed: first trigger answered 200 again after {resumed_at - killed_at:.2f} s "
                  f"({sum(1 for _, s, _ in answers if s == 503)} answered 503 meanwhile)")
            refused = {code for _, status, code in answers if status != 200}
            self.assertLessEqual(refused, {"backplane_unavailable"})  # refused, and said why

            # B follows the new master too: every trigger answered 200 after the failover reaches
            # it, once, in order. (One answered 200 just before the kill may be gone with the master:
            # Redis replicates asynchronously; docs/cluster.md says so.)
            after = [ident for at, status, ident in answers if status == 200 and at >= resumed_at]
            self.assertGreater(len(after), 10)
            got = []
            try:
                while not set(after) <= set(got):
                    got.append(json.loads(client.next_message(timeout=10).payload)["id"])
            except queue.Empty:
                pass
            self.assertEqual([ident for ident in got if ident in set(after)], after)
            self.assertEqual(len(got), len(set(got)))  # nothing twice
            masters = {e.get("master") for e in self.b.logs() if e.get("msg") == "redis connected"}
            self.assertIn(f"127.0.0.1:{self.redis.replica_port}", masters)
        finally:
            client.disconnect()


if __name__ == "__main__":
    unittest.main()
