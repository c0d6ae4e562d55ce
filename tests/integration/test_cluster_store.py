"""Two nodes on one PostgreSQL store (issue 15; docs/cluster.md "The shared store"): a key, a
token or a console user made once works on every node, signed with the one secret they share; a
revocation reaches every node by notification (the nodes poll only once an hour here, so only
LISTEN/NOTIFY can be what told them); each node keeps its own session journal; with PostgreSQL
stopped, keys already known keep working and admin writes fail clearly with 503, and both come
back without restarting a node. With Redis too, a trigger sent to one node reaches the other's
subscriber, with a key and a token neither node made. Labelled `cluster` (ctest -L cluster)."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from admin_fixture import Caller, add_user, sign_in
from harness import Server, Sse, wait_until
from test_cluster import PASSWORD as REDIS_PASSWORD, Redis

POSTGRES_SH = os.path.join(os.path.dirname(__file__), "../support/postgres.sh")


class Postgres:
    """A PostgreSQL server of this test's own (tests/support/postgres.sh)."""

    def __init__(self):
        self.parent = tempfile.mkdtemp(prefix="popflow-pg-")
        os.chmod(self.parent, 0o755)  # the postgres user, when we are root, must reach its dir
        self.dir = os.path.join(self.parent, "pg")
        self.url = self.run("start")

    def run(self, action):
        out = subprocess.run([POSTGRES_SH, action, self.dir], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError(f"postgres.sh {action} failed: {out.stderr}")
        return out.stdout.strip()

    def down(self):
        self.run("down")

    def up(self):
        self.run("up")

    def stop(self):
        self.run("stop")
        shutil.rmtree(self.parent, ignore_errors=True)


def store_and_redis(cls):
    """A PostgreSQL and a Redis of the test class's own, stopped after it; returns the nodes'
    environment naming both."""
    cls.pg = Postgres()
    cls.addClassCleanup(cls.pg.stop)
    cls.redis = Redis()
    cls.addClassCleanup(cls.redis.stop)
    return {"POPFLOW_STORE": cls.pg.url, "POPFLOW_REDIS": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{cls.redis.port}"}


def key_id(token):
    """The key id a JWT names in its header ("kid")."""
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def trigger(node, key, agent="1001", **data):
    return node.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": key, "event": "On Ring", **data})


class SharedStore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = store_and_redis(cls)
        # Polling once an hour: whatever reaches the other node within the test was notified.
        cls.a = Server("--threads", "1", "--revocation-poll", "1h", env=env)
        cls.b = Server("--threads", "1", "--revocation-poll", "1h", env=env)
        for node in (cls.a, cls.b):
            cls.addClassCleanup(node.__exit__, None, None, None)
        cls.a.customer("acme")  # once, through node A's data dir: it is in the shared store
        cls.a.start()
        cls.b.start()
        assert wait_until(lambda: all(any(e.get("msg") == "redis connected" and e.get("name", "").startswith("popflow-pub")
                                              for e in node.logs()) for node in (cls.a, cls.b)), timeout=30)

    def known_everywhere(self, key):
        """A key made elsewhere becomes known to each node as its notification arrives."""
        for node in (self.a, self.b):
            self.assertTrue(wait_until(lambda: trigger(node, key).json().get("code") != "unknown_key", timeout=10),
                            node.log_text()[-3000:])

    def test_the_nodes_name_the_store_without_its_password_and_share_one_customer_list(self):
        listening = [e for e in self.b.logs() if e.get("msg") == "listening"][0]
        self.assertEqual(listening["store"], self.pg.url)  # this URL has no password
        self.assertEqual(self.b.cli("customer", "list"), "acme")

    def test_a_key_made_once_works_on_every_node(self):
        # Made by a third process with a data dir of its own: only the store is shared.
        with Server(env={"POPFLOW_STORE": self.pg.url}) as cli_only:
            key = cli_only.api_key("acme")
        self.known_everywhere(key)
        for node in (self.a, self.b):
            r = trigger(node, key, ani="5551234567")
            self.assertEqual(r.status, 200, r)

    def test_a_revocation_reaches_every_node_by_notification(self):
        key = self.a.api_key("acme")
        self.known_everywhere(key)
        revoked_at = time.monotonic()
        self.b.cli("key", "revoke", key_id(key))
        for node in (self.a, self.b):
            self.assertTrue(wait_until(lambda: trigger(node, key).json().get("code") == "revoked_key", timeout=10),
                            node.log_text()[-3000:])
        # Reported, not asserted (no timed assertions): the issue asks for under a second.
        print(f"\nrevocation refused on both nodes after {time.monotonic() - revoked_at:.3f} s")

    def test_a_console_user_added_once_signs_in_on_every_node(self):
        add_user(self.a, "dana", customer="acme", role="admin")
        for node in (self.a, self.b):
            r, caller = sign_in(node, "dana")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(caller.get("/api/admin/instances").status, 200)

    def test_a_trigger_to_one_node_reaches_the_others_subscriber_with_credentials_neither_made(self):
        with Server(env={"POPFLOW_STORE": self.pg.url}) as cli_only:
            key = cli_only.api_key("acme")
            token = cli_only.client_token("acme", "--agent", "2002")
        self.known_everywhere(key)
        self.assertTrue(wait_until(lambda: self.b.request(
            "GET", "/api/subscribe?topic=%23%2B", headers={"Authorization": "Bearer " + token}).status != 401))
        stream = Sse(self.b, ["CTI/acme/2002"], token=token)
        try:
            r = trigger(self.a, key, agent="2002", ani="5550002002")
            self.assertEqual(r.status, 200, r)
            message = json.loads(stream.next_message()["data"])
            self.assertEqual(message["id"], r.json()["id"])
        finally:
            stream.close()


class StoreGoesAway(unittest.TestCase):
    """PostgreSQL stopped under a running node, then started again."""

    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.addClassCleanup(cls.pg.stop)
        cls.node = Server("--threads", "1", env={"POPFLOW_STORE": cls.pg.url})
        cls.addClassCleanup(cls.node.__exit__, None, None, None)
        cls.node.customer("acme")
        cls.key = cls.node.api_key("acme")
        cls.admin = Caller(cls.node, token=cls.node.cli("token", "create", "--customer", "acme", "--admin"))
        cls.node.start()

    def test_known_keys_keep_working_admin_writes_fail_clearly_and_both_come_back(self):
        self.assertEqual(trigger(self.node, self.key).status, 200)
        self.assertEqual(self.node.request("GET", "/readyz").status, 200)
        self.pg.down()
        try:
            r = trigger(self.node, self.key, ani="5551230000")
            self.assertEqual(r.status, 200, r)  # the key was already known
            # Not ready (CONTRACT "Several nodes") once the next poll finds the store gone.
            self.assertTrue(wait_until(lambda: self.node.request("GET", "/readyz").json()["status"]
                                       == "store_unavailable", timeout=15))
            write = self.admin.post("/api/admin/keys", {"label": "while down"})
            self.assertEqual(write.status, 503, write)
            self.assertEqual(write.json()["code"], "store_unavailable")
            self.assertEqual(write.headers.get("retry-after"), "2")
            self.assertNotIn(self.pg.url.split("@")[1], write.body)  # where the store is stays in the log
        finally:
            self.pg.up()
        # Without restarting the node: the next write reconnects.
        self.assertTrue(wait_until(lambda: self.admin.post("/api/admin/keys", {"label": "after"}).status == 201,
                                   timeout=15), self.node.log_text()[-3000:])
        self.assertEqual(trigger(self.node, self.key).status, 200)
        self.assertTrue(wait_until(lambda: self.node.request("GET", "/readyz").status == 200, timeout=15))

    def test_a_node_cannot_start_on_an_unreachable_store_and_says_which(self):
        out = subprocess.run([os.environ["POPFLOW_BIN"], "--data-dir", tempfile.mkdtemp(prefix="popflow-it-"),
                              "--store", "postgresql://popflow:hunter2@127.0.0.1:1/popflow", "customer", "list"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1)
        self.assertIn("postgresql://popflow@127.0.0.1:1/popflow", out.stderr)
        self.assertNotIn("hunter2", out.stderr)


class StoreImport(unittest.TestCase):
    """A single node outgrowing its machine: `store import` moves its SQLite store and signing
    secret into an empty PostgreSQL store, and a node started on it accepts the keys, tokens
    and console users handed out before, resolves the same workflows and shows the same audit
    log; a second import is refused and changes nothing."""

    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.addClassCleanup(cls.pg.stop)
        cls.single = Server("--threads", "1")  # on its own SQLite store
        cls.addClassCleanup(cls.single.__exit__, None, None, None)
        cls.single.customer("acme")
        cls.key = cls.single.api_key("acme", "--label", "telephony")
        cls.revoked = cls.single.api_key("acme")
        cls.single.cli("key", "revoke", key_id(cls.revoked))
        cls.token = cls.single.client_token("acme", "--agent", "1001")
        workflows = os.path.join(os.path.dirname(__file__), "../../bench/workflows.json")
        cls.single.cli("workflow", "import", workflows, "--customer", "acme", "--instance", "bench.crm.example.com")
        add_user(cls.single, "erin", customer="acme", role="admin")

    def import_into(self, url):
        return self.single.cli_result("--store", url, "store", "import")

    def test_everything_handed_out_before_works_on_a_node_of_the_shared_store(self):
        out = self.import_into(self.pg.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        counts = dict(line.split("\t") for line in out.stdout.splitlines() if "\t" in line)
        self.assertEqual(counts["customers"], "1")
        self.assertEqual(counts["keys"], "3")
        self.assertEqual(counts["workflows"], "1")
        self.assertEqual(counts["users"], "1")

        with Server("--threads", "1", env={"POPFLOW_STORE": self.pg.url}) as node:
            r = trigger(node, self.key, ani="5550100")
            self.assertEqual(r.status, 200, r)  # signed with the imported secret
            self.assertEqual(r.json().get("workflow", {}).get("name"), "Ring pop", r.body)  # resolved
            self.assertEqual(trigger(node, self.revoked).json()["code"], "revoked_key")
            stream = Sse(node, ["CTI/acme/1001"], token=self.token)
            stream.close()
            self.assertEqual(stream.status, 200)
            r, caller = sign_in(node, "erin")
            self.assertEqual(r.status, 200, r)
            keys = caller.get("/api/admin/keys").json()
            self.assertIn("telephony", [k.get("label") for k in keys["keys"]])

        again = self.import_into(self.pg.url)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already holds", again.stderr)

    def test_it_names_what_is_missing(self):
        out = subprocess.run([os.environ["POPFLOW_BIN"], "--data-dir", tempfile.mkdtemp(prefix="popflow-it-"),
                              "--store", self.pg.url, "store", "import"], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1)
        self.assertIn("no store to import", out.stderr)
        self.assertIn("needs --store postgresql", self.single.cli_result("store", "import").stderr)


if __name__ == "__main__":
    unittest.main()
