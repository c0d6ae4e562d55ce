"""The agent's client API (issue #12, CONTRACT "The agent's client"): GET /api/client/workflows
gives what is published for the agent's instance and profile, with the catalog generation as
its ETag, and /api/client/workflows/changes pushes an event when it changes. Client tokens
only; the catalog's server topic is closed to MQTT clients.

Workflows are built and published through the real admin API; the push is read with
http.client as Server-Sent Events; MQTT clients are paho."""
import http.client
import json
import time
import unittest

from catalog_fixture import Admin, client_get, generation
from harness import Server, wait_until
from mqtt_clients import Mqtt

CRM_A = "crm-a.acme.example"
CRM_B = "crm-b.acme.example"


class ChangeStream:
    """GET /api/client/workflows/changes as Server-Sent Events."""

    def __init__(self, server, token, timeout=5):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = "Bearer " + token
        self.conn.request("GET", "/api/client/workflows/changes", headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.body = None
        if self.status != 200:
            self.body = self.resp.read().decode()
            self.conn.close()
            return
        assert self.resp.fp.readline().startswith(b": subscribed")
        self.resp.fp.readline()

    def next_data(self):
        """The next event's data, parsed; comments (heartbeats) skipped."""
        event = {}
        while True:
            line = self.resp.fp.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\n")
            if line == "" and "data" in event:
                return json.loads(event["data"])
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                event[name] = value

    def close(self):
        self.resp.close()
        self.conn.close()


class ClientApiTest(unittest.TestCase):
    """Customer acme with two instances. In CRM_A: profiles "Tier 1" and "Tier 2", agent 1001
    listed as Tier 1, agent 2002 listed in both instances; "Greet all" on On Ring for all
    profiles, "Greet tier 1" on On Ring for Tier 1, "Wrap tier 2" on On End for Tier 2."""

    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--rate-limit", "0", *cls.extra_args)
        cls.server.customer("acme")
        cls.server.customer("globex")
        cls.key = cls.server.api_key("acme")
        cls.server.start()
        cls.admin = Admin(cls.server, "acme")
        cls.admin.instance(CRM_A, crm_type="generic")
        cls.admin.instance(CRM_B)
        for profile in ("Tier 1", "Tier 2"):
            cls.admin.profile(CRM_A, profile)
        cls.admin.profile(CRM_B, "Night")
        cls.admin.agent(CRM_A, "1001", "Tier 1")
        cls.admin.agent(CRM_A, "2002", "Tier 2")
        cls.admin.agent(CRM_B, "2002", "Night")
        cls.greet_all = cls.admin.workflow(CRM_A, "Greet all")
        cls.admin.publish(cls.greet_all["id"])
        cls.greet_t1 = cls.admin.workflow(CRM_A, "Greet tier 1", title="Hello tier 1")
        cls.admin.publish(cls.greet_t1["id"], ["Tier 1"])
        cls.wrap_t2 = cls.admin.workflow(CRM_A, "Wrap tier 2", event="On End")
        cls.admin.publish(cls.wrap_t2["id"], ["Tier 2"])
        cls.agent_1001 = cls.server.live_token("acme", "--agent", "1001")
        cls.agent_2002 = cls.server.live_token("acme", "--agent", "2002")
        cls.unlisted = cls.server.live_token("acme", "--agent", "9009")
        cls.customer_wide = cls.server.live_token("acme")
        # The snapshot is reloaded just after the admin API answers: wait for the last change.
        assert wait_until(lambda: len(cls.workflows(cls.agent_1001).get("workflows", [])) == 1)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    @classmethod
    def workflows(cls, token, query=""):
        r = client_get(cls.server, "/api/client/workflows" + query, token)
        return r.json()

    def get(self, token, query=""):
        return client_get(self.server, "/api/client/workflows" + query, token)

    def assertProblem(self, r, status, code, field=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.json()["code"], code, r)
        if field is not None:
            self.assertEqual(r.json().get("field"), field, r)


class Workflows(ClientApiTest):
    def by_event(self, body):
        return {w["event"]: (w["name"], w["ownProfile"]) for w in body["workflows"]}

    def test_a_listed_agent_gets_its_profiles_publication(self):
        r = self.get(self.agent_1001)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual((body["customer"], body["crmId"], body["agentId"]), ("acme", CRM_A, "1001"))
        self.assertEqual((body["profile"], body["profileFrom"]), ("Tier 1", "directory"))
        self.assertEqual(body["crmType"], "generic")
        self.assertEqual(self.by_event(body), {"On Ring": ("Greet tier 1", True)})
        # On End goes to Tier 2 only: the client says profile_mismatch, not no_publication.
        self.assertEqual(body["otherProfiles"], ["On End"])
        ring = body["workflows"][0]
        self.assertEqual(ring["id"], self.greet_t1["id"])
        self.assertEqual(ring["definition"]["steps"]["pop"]["title"], "Hello tier 1")
        self.assertEqual(r.headers["cache-control"], "no-store")

    def test_the_directory_beats_the_profile_asked_for(self):
        body = self.workflows(self.agent_1001, "?profile=Tier%202")
        self.assertEqual((body["profile"], body["profileFrom"]), ("Tier 1", "directory"))
        self.assertEqual(self.by_event(body), {"On Ring": ("Greet tier 1", True)})

    def test_an_unlisted_agent_gets_the_profile_it_asks_for(self):
        body = self.workflows(self.unlisted, f"?crmId={CRM_A}&profile=Tier%202")
        self.assertEqual((body["profile"], body["profileFrom"]), ("Tier 2", "request"))
        self.assertEqual(self.by_event(body), {"On Ring": ("Greet all", False), "On End": ("Wrap tier 2", True)})
        self.assertEqual(body["otherProfiles"], [])
        body = self.workflows(self.unlisted, f"?crmId={CRM_A}")
        self.assertEqual((body["profile"], body["profileFrom"]), (None, "none"))
        self.assertEqual(self.by_event(body), {"On Ring": ("Greet all", False)})
        body = self.workflows(self.customer_wide, f"?crmId={CRM_A}&profile=Tier+1")
        self.assertNotIn("agentId", body)
        self.assertEqual(self.by_event(body), {"On Ring": ("Greet tier 1", True)})

    def test_which_instance(self):
        # Listed in exactly one instance: no crmId needed; in two, or not listed: it is.
        self.assertEqual(self.get(self.agent_1001).status, 200)
        self.assertProblem(self.get(self.agent_2002), 400, "missing_field", "crmId")
        self.assertProblem(self.get(self.unlisted), 400, "missing_field", "crmId")
        self.assertProblem(self.get(self.customer_wide), 400, "missing_field", "crmId")
        body = self.workflows(self.agent_2002, "?crmId=" + CRM_B)
        self.assertEqual((body["crmId"], body["profile"]), (CRM_B, "Night"))
        self.assertEqual(body["workflows"], [])
        self.assertProblem(self.get(self.agent_1001, "?crmId=crm.nowhere"), 404, "no_instance", "crmId")

    def test_another_customers_instance_is_unknown(self):
        globex = self.server.live_token("globex")
        self.assertProblem(self.get(globex, "?crmId=" + CRM_A), 404, "no_instance")

    def test_only_client_tokens(self):
        self.assertProblem(self.get(self.key, "?crmId=" + CRM_A), 401, "wrong_key_kind")
        self.assertProblem(self.get(self.admin.token, "?crmId=" + CRM_A), 401, "wrong_key_kind")
        self.assertProblem(self.server.request("GET", "/api/client/workflows"), 401, "missing_key")
        stream = ChangeStream(self.server, self.key)
        self.assertEqual(stream.status, 401, stream.body)
        self.assertEqual(json.loads(stream.body)["code"], "wrong_key_kind")


class Changes(ClientApiTest):
    def test_etag_is_the_generation_and_a_publish_changes_it(self):
        r = self.get(self.agent_1001)
        before = r.json()["generation"]
        self.assertEqual(r.headers["etag"], f'"{before}"')
        workflow = self.admin.workflow(CRM_A, "Etag check", event="On Hold")
        self.admin.publish(workflow["id"])
        self.assertTrue(wait_until(lambda: "On Hold" in self.events_now()))
        r = self.get(self.agent_1001)
        after = r.json()["generation"]
        self.assertEqual(r.headers["etag"], f'"{after}"')
        self.assertGreater(after, before)
        self.admin.unpublish(workflow["id"])

    def events_now(self):
        return {w["event"] for w in self.workflows(self.agent_1001)["workflows"]}

    def pushed_within(self, stream, change, visible, seconds=2.0):
        """Does `change`, then reads the stream until the catalog shows it (`visible`);
        returns the seconds from the change to the event that showed it."""
        started = time.monotonic()
        change()
        while True:
            event = stream.next_data()
            self.assertEqual(event["changed"], "workflows")
            if visible():
                return time.monotonic() - started, event

    def test_a_publish_and_an_unpublish_are_pushed_within_two_seconds(self):
        stream = ChangeStream(self.server, self.agent_1001)
        self.assertEqual(stream.status, 200, stream.body)
        self.addCleanup(stream.close)
        workflow = self.admin.workflow(CRM_A, "Pushed", event="On Answer")
        elapsed, published = self.pushed_within(stream, lambda: self.admin.publish(workflow["id"]),
                                                lambda: "On Answer" in self.events_now())
        self.assertLess(elapsed, 2.0)
        elapsed, unpublished = self.pushed_within(stream, lambda: self.admin.unpublish(workflow["id"]),
                                                  lambda: "On Answer" not in self.events_now())
        self.assertLess(elapsed, 2.0)
        self.assertGreater(unpublished["generation"], published["generation"])

    def test_pop_rules_reach_the_client_and_their_changes_are_pushed(self):
        self.assertEqual(self.workflows(self.agent_1001)["rules"],
                         {"staleAfter": {"Chat Ring": 30, "On Ring": 30}, "supersedeBy": "callId"})
        stream = ChangeStream(self.server, self.agent_1001)
        self.assertEqual(stream.status, 200, stream.body)
        self.addCleanup(stream.close)
        ring = f"/api/admin/instances/{CRM_A}/events/On%20Ring"
        self.addCleanup(self.admin.patch, ring, {"staleAfter": 30})
        elapsed, _ = self.pushed_within(stream, lambda: self.admin.patch(ring, {"staleAfter": 5}),
                                        lambda: self.rules()["staleAfter"]["On Ring"] == 5)
        self.assertLess(elapsed, 2.0)
        self.addCleanup(self.admin.patch, f"/api/admin/instances/{CRM_A}", {"supersedeBy": "callId"})
        elapsed, _ = self.pushed_within(
            stream, lambda: self.admin.patch(f"/api/admin/instances/{CRM_A}", {"supersedeBy": None}),
            lambda: self.rules()["supersedeBy"] is None)
        self.assertLess(elapsed, 2.0)
        # Another instance's rules are its own.
        self.assertEqual(self.workflows(self.agent_2002, "?crmId=" + CRM_B)["rules"]["staleAfter"]["On Ring"], 30)

    def rules(self):
        return self.workflows(self.agent_1001)["rules"]

    def test_another_customers_changes_stream_stays_open_and_sees_its_own(self):
        globex_admin = Admin(self.server, "globex")
        globex_token = self.server.live_token("globex")
        stream = ChangeStream(self.server, globex_token)
        self.assertEqual(stream.status, 200, stream.body)
        self.addCleanup(stream.close)
        globex_admin.instance("crm.globex.example")
        self.assertEqual(stream.next_data()["changed"], "workflows")

    def test_one_customers_changes_are_not_pushed_to_another(self):
        globex_admin = Admin(self.server, "globex")
        globex_admin.instance("crm.globex.quiet")
        stream = ChangeStream(self.server, self.agent_1001, timeout=1.5)
        self.assertEqual(stream.status, 200, stream.body)
        self.addCleanup(stream.close)
        workflow = globex_admin.workflow("crm.globex.quiet", "Theirs")
        globex_admin.publish(workflow["id"])
        with self.assertRaises(TimeoutError, msg="acme's agents heard of globex's publish"):
            stream.next_data()


class CatalogTopic(ClientApiTest):
    """The catalog's server topic ($popflow/catalog/<customer>) feeds the change streams and
    the agent's client over MQTT (one connection for its triggers and its catalog): a client
    token reads its own customer's, nothing else under $popflow/, and no MQTT client may forge
    an event on it."""

    extra_args = ("--mqtt-allow-anonymous",)

    def test_anonymous_subscribe_is_refused_in_suback(self):
        for version in (5, 4):
            client = Mqtt(self.server, None, version=version)
            self.addCleanup(client.disconnect)
            self.assertTrue(client.accepted)
            refused = 0x87 if version == 5 else 0x80
            self.assertEqual(client.subscribe("$popflow/catalog/acme"), [refused], version)
            self.assertEqual(client.subscribe("$popflow/#"), [refused], version)
            self.assertEqual(client.subscribe("plain/topic"), [1], version)

    def test_a_client_token_reads_only_its_own_customers_catalog(self):
        client = Mqtt(self.server, self.agent_1001)
        self.addCleanup(client.disconnect)
        self.assertEqual(client.subscribe("$popflow/catalog/acme"), [1])
        for other in ("$popflow/catalog/globex", "$popflow/catalog/+", "$popflow/#",
                      "$popflow/monitor/acme", "$popflow/catalog/acme/x"):
            self.assertEqual(client.subscribe(other), [0x87], other)
        before = generation(self.server, self.agent_1001, CRM_A)
        self.admin.profile(CRM_B, "Heard over MQTT")
        self.admin.agent(CRM_B, "mqtt-listener", "Heard over MQTT")
        change = json.loads(client.next_message().payload)
        self.assertEqual(change["changed"], "workflows")
        self.assertGreater(change["generation"], before)

    def test_no_mqtt_client_may_forge_a_change(self):
        stream = ChangeStream(self.server, self.agent_1001)
        self.assertEqual(stream.status, 200, stream.body)
        self.addCleanup(stream.close)
        for token in (None, self.server.live_token("globex")):
            client = Mqtt(self.server, token)
            self.addCleanup(client.disconnect)
            self.assertTrue(client.accepted)
            info = client.publish("$popflow/catalog/acme", b'{"changed":"workflows","generation":999999}', qos=1)
            self.assertTrue(info.is_published())
        # A real change comes next: the forged ones must not have come before it.
        before = generation(self.server, self.agent_1001, CRM_A)
        self.admin.profile(CRM_B, "Forgery check")
        self.admin.agent(CRM_B, "forgery-check", "Forgery check")  # a change clients see
        event = stream.next_data()
        self.assertNotEqual(event["generation"], 999999, "a forged change reached the stream")
        self.assertGreater(event["generation"], before)


if __name__ == "__main__":
    unittest.main()
