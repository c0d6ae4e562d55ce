"""The admin API's routes as an admin uses them (CONTRACT "Admin API"): every route's happy
path, what each write refuses, and concurrent edits of one workflow."""
import json
import threading
import time
import unittest

from admin_fixture import AdminTest, definition

BUILT_IN_EVENTS = {"On Ring", "On Answer", "On Hold", "On End", "Chat Ring", "Chat Accept", "Chat Reject",
                   "On Chat End"}


class Instances(AdminTest):
    def test_create_list_get_patch_and_delete_an_instance(self):
        r = self.admin.post("/api/admin/instances", {"crmId": "sf-prod", "name": "Salesforce", "crmType": "salesforce"})
        created = self.assertStatus(r, 201)
        self.assertEqual((created["crmId"], created["name"], created["crmType"]), ("sf-prod", "Salesforce", "salesforce"))
        self.assertTrue(created["urlTemplates"]["record"], created)
        self.assertEqual(r.headers["etag"], '"1"')

        listed = self.assertStatus(self.admin.get("/api/admin/instances"), 200)
        self.assertIn("sf-prod", [i["crmId"] for i in listed["instances"]])

        r = self.admin.get("/api/admin/instances/sf-prod")
        self.assertEqual(self.assertStatus(r, 200)["name"], "Salesforce")
        etag = r.headers["etag"]

        r = self.admin.patch("/api/admin/instances/sf-prod", {"name": "Salesforce EU"}, headers={"If-Match": etag})
        patched = self.assertStatus(r, 200)
        self.assertEqual(patched["name"], "Salesforce EU")
        self.assertEqual(patched["revision"], 2)
        self.assertEqual(r.headers["etag"], '"2"')
        # The ETag read before the change is stale now: a 409, not a silent overwrite.
        r = self.admin.patch("/api/admin/instances/sf-prod", {"name": "lost"}, headers={"If-Match": etag})
        self.assertProblem(r, 409, "edit_conflict", field="revision")
        self.assertEqual(self.admin.get("/api/admin/instances/sf-prod").json()["name"], "Salesforce EU")

        self.assertStatus(self.admin.delete("/api/admin/instances/sf-prod", headers={"If-Match": '"2"'}), 204)
        self.assertProblem(self.admin.get("/api/admin/instances/sf-prod"), 404, "not_found")
        self.assertNotIn("sf-prod", [i["crmId"] for i in self.admin.get("/api/admin/instances").json()["instances"]])

    def test_patch_crm_type_brings_its_presets(self):
        generic = self.make_instance("retype")
        r = self.admin.patch("/api/admin/instances/retype", {"crmType": "zendesk"})
        patched = self.assertStatus(r, 200)
        self.assertEqual(patched["crmType"], "zendesk")
        self.assertNotEqual(patched["urlTemplates"], generic["urlTemplates"])

    def test_duplicate_instance_is_409(self):
        self.make_instance("twice")
        r = self.admin.post("/api/admin/instances", {"crmId": "twice"})
        self.assertProblem(r, 409, "already_exists", field="crmId")

    def test_profiles_add_list_and_delete(self):
        self.make_instance("prof")
        r = self.admin.post("/api/admin/instances/prof/profiles", {"name": "Tier 1"})
        self.assertEqual(self.assertStatus(r, 201), {"name": "Tier 1"})
        self.assertProblem(self.admin.post("/api/admin/instances/prof/profiles", {"name": "Tier 1"}),
                           409, "already_exists", field="name")
        self.assertProblem(self.admin.post("/api/admin/instances/prof/profiles", {"name": "all"}),
                           400, "invalid_field", field="name")
        listed = self.assertStatus(self.admin.get("/api/admin/instances/prof/profiles"), 200)
        self.assertEqual(listed["profiles"], [{"name": "Tier 1"}])
        self.assertStatus(self.admin.delete("/api/admin/instances/prof/profiles/Tier%201"), 204)
        self.assertEqual(self.admin.get("/api/admin/instances/prof/profiles").json()["profiles"], [])
        self.assertProblem(self.admin.delete("/api/admin/instances/prof/profiles/Tier%201"), 404, "not_found")

    def test_a_profile_with_a_publication_cannot_be_deleted(self):
        self.make_instance("profpub")
        self.admin.post("/api/admin/instances/profpub/profiles", {"name": "Gold"})
        workflow = self.make_workflow("profpub", "gold pop")
        self.publish(workflow["id"], self.freeze(workflow["id"]), ["Gold"])
        self.assertProblem(self.admin.delete("/api/admin/instances/profpub/profiles/Gold"), 409, "in_use", field="name")

    def test_agents_directory_pages_with_limit_after_and_next(self):
        self.make_instance("dir")
        self.admin.post("/api/admin/instances/dir/profiles", {"name": "Tier 1"})
        for agent in ["a1", "a2", "a3", "a4", "a5"]:
            r = self.admin.post("/api/admin/instances/dir/agents", {"agentId": agent, "profile": "Tier 1"})
            self.assertEqual(self.assertStatus(r, 200), {"agentId": agent, "profile": "Tier 1"})
        seen, after, pages = [], None, 0
        while True:
            path = "/api/admin/instances/dir/agents?limit=2" + (f"&after={after}" if after else "")
            page = self.assertStatus(self.admin.get(path), 200)
            pages += 1
            self.assertLessEqual(len(page["agents"]), 2)
            seen += [a["agentId"] for a in page["agents"]]
            after = page["next"]
            if after is None:
                break
            self.assertEqual(after, seen[-1])
        self.assertEqual(seen, ["a1", "a2", "a3", "a4", "a5"])
        self.assertEqual(pages, 3)
        whole = self.admin.get("/api/admin/instances/dir/agents").json()
        self.assertEqual(len(whole["agents"]), 5)
        self.assertIsNone(whole["next"])

        self.assertStatus(self.admin.delete("/api/admin/instances/dir/agents/a3"), 204)
        self.assertNotIn("a3", [a["agentId"] for a in self.admin.get("/api/admin/instances/dir/agents").json()["agents"]])
        self.assertProblem(self.admin.delete("/api/admin/instances/dir/agents/a3"), 404, "not_found")
        for limit in ("many", "-1", "0", "501", "10x"):
            self.assertProblem(self.admin.get("/api/admin/instances/dir/agents?limit=" + limit), 400,
                               "invalid_field", field="limit")
        for path in ("/api/admin/audit", "/api/admin/triggers"):
            self.assertProblem(self.admin.get(path + "?limit=-5"), 400, "invalid_field", field="limit")
            self.assertProblem(self.admin.get(path + "?before=yesterday"), 400, "invalid_field", field="before")

    def test_an_agent_of_an_unknown_profile_is_refused(self):
        self.make_instance("dir2")
        r = self.admin.post("/api/admin/instances/dir2/agents", {"agentId": "a1", "profile": "Nope"})
        self.assertProblem(r, 400, "unknown_profile", field="profile", message_has="Nope")


class Events(AdminTest):
    def test_a_new_instance_has_the_eight_built_in_events(self):
        self.make_instance("ev-new")
        events = self.assertStatus(self.admin.get("/api/admin/instances/ev-new/events"), 200)["events"]
        self.assertEqual({e["name"] for e in events if e["builtIn"]}, BUILT_IN_EVENTS)
        self.assertEqual(len(events), 8)

    def test_custom_events_add_duplicate_and_delete(self):
        self.make_instance("ev")
        r = self.admin.post("/api/admin/instances/ev/events", {"name": "VIP Call", "description": "a VIP rings"})
        self.assertEqual(self.assertStatus(r, 201),
                         {"name": "VIP Call", "description": "a VIP rings", "builtIn": False, "staleAfter": None})
        self.assertProblem(self.admin.post("/api/admin/instances/ev/events", {"name": "VIP Call"}),
                           409, "already_exists", field="name")
        self.assertProblem(self.admin.post("/api/admin/instances/ev/events", {"name": " VIP Call"}),
                           400, "invalid_field", field="name")
        self.assertProblem(self.admin.delete("/api/admin/instances/ev/events/On%20Ring"), 409, "built_in",
                           field="name")
        workflow = self.make_workflow("ev", "vip pop", event="VIP Call")
        self.assertProblem(self.admin.delete("/api/admin/instances/ev/events/VIP%20Call"), 409, "in_use",
                           field="name", message_has="vip pop")
        self.assertStatus(self.admin.delete(f"/api/admin/workflows/{workflow['id']}"), 204)
        self.assertStatus(self.admin.delete("/api/admin/instances/ev/events/VIP%20Call"), 204)
        names = {e["name"] for e in self.admin.get("/api/admin/instances/ev/events").json()["events"]}
        self.assertEqual(names, BUILT_IN_EVENTS)
        self.assertProblem(self.admin.delete("/api/admin/instances/ev/events/VIP%20Call"), 404, "not_found")


    def test_pop_rules_an_events_age_limit_and_the_instances_supersede_field(self):
        created = self.make_instance("rules")
        self.assertEqual(created["supersedeBy"], "callId")
        events = {e["name"]: e for e in self.admin.get("/api/admin/instances/rules/events").json()["events"]}
        self.assertEqual({name: e["staleAfter"] for name, e in events.items() if e["staleAfter"]},
                         {"On Ring": 30, "Chat Ring": 30})
        ring = "/api/admin/instances/rules/events/On%20Ring"
        r = self.admin.patch(ring, {"staleAfter": 12, "description": "the phone rings"})
        self.assertEqual(self.assertStatus(r, 200), {"name": "On Ring", "description": "the phone rings",
                                                     "builtIn": True, "staleAfter": 12})
        self.assertEqual(self.assertStatus(self.admin.patch(ring, {"staleAfter": None}), 200)["staleAfter"], None)
        self.assertEqual(self.admin.patch(ring, {}).json()["description"], "the phone rings", "absent keeps")
        custom = self.admin.post("/api/admin/instances/rules/events", {"name": "Callback", "staleAfter": 600})
        self.assertEqual(self.assertStatus(custom, 201)["staleAfter"], 600)
        for bad in (0, -1, 86401, "30", 1.5, True):
            with self.subTest(staleAfter=bad):
                self.assertProblem(self.admin.patch(ring, {"staleAfter": bad}), 400, "invalid_field",
                                   field="staleAfter", message_has="seconds")
        self.assertProblem(self.admin.patch("/api/admin/instances/rules/events/On%20ring", {"staleAfter": 5}),
                           404, "not_found")
        self.assertProblem(self.admin.patch(ring, {"name": "Renamed"}), 400, "unknown_field", field="name")

        instance = "/api/admin/instances/rules"
        self.assertIsNone(self.assertStatus(self.admin.patch(instance, {"supersedeBy": None}), 200)["supersedeBy"])
        self.assertEqual(self.admin.patch(instance, {"supersedeBy": "interaction.id"}).json()["supersedeBy"],
                         "interaction.id")
        for bad in ("", "call id", "x" * 65, 7):
            with self.subTest(supersedeBy=bad):
                self.assertProblem(self.admin.patch(instance, {"supersedeBy": bad}), 400, "invalid_field",
                                   field="supersedeBy")
        audit = self.admin.get("/api/admin/audit?target=instance:rules").json()["entries"]
        updates = [e for e in audit if e["action"] == "event.update"]
        self.assertEqual(len(updates), 3)
        self.assertEqual(updates[-1]["after"]["staleAfter"], 12, "newest first: the first PATCH is last")


class Workflows(AdminTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin.post("/api/admin/instances", {"crmId": "wf"})
        cls.admin.post("/api/admin/instances/wf/profiles", {"name": "Tier 1"})
        cls.admin.post("/api/admin/instances/wf/profiles", {"name": "Tier 2"})

    def test_create_get_put_freeze_publish_unpublish_and_delete(self):
        r = self.admin.post("/api/admin/instances/wf/workflows",
                            {"name": "ring pop", "event": "On Answer", "description": "the card",
                             "definition": definition("first")})
        created = self.assertStatus(r, 201)
        wid = created["id"]
        self.assertEqual((created["name"], created["event"], created["crmId"]), ("ring pop", "On Answer", "wf"))
        self.assertEqual(created["draft"], definition("first"))
        self.assertEqual((created["versions"], created["publications"]), ([], []))

        r = self.admin.get(f"/api/admin/workflows/{wid}")
        got = self.assertStatus(r, 200)
        for member in ("draft", "versions", "publications"):
            self.assertIn(member, got)
        self.assertIn(wid, [w["id"] for w in self.admin.get("/api/admin/instances/wf/workflows").json()["workflows"]])

        r = self.admin.put(f"/api/admin/workflows/{wid}", {"definition": definition("second")},
                           headers={"If-Match": r.headers["etag"]})
        self.assertEqual(self.assertStatus(r, 200)["draft"], definition("second"))
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{wid}").json()["draft"], definition("second"))

        r = self.admin.post(f"/api/admin/workflows/{wid}/versions")
        self.assertEqual(self.assertStatus(r, 201), {"version": 1, "created": True})
        r = self.admin.post(f"/api/admin/workflows/{wid}/versions")
        self.assertEqual(self.assertStatus(r, 200), {"version": 1, "created": False})
        self.admin.put(f"/api/admin/workflows/{wid}", {"definition": definition("third")})
        self.assertEqual(self.admin.post(f"/api/admin/workflows/{wid}/versions").json(), {"version": 2, "created": True})
        versions = self.admin.get(f"/api/admin/workflows/{wid}").json()["versions"]
        self.assertEqual([v["version"] for v in versions], [1, 2])
        self.assertEqual(versions[0]["definition"], definition("second"))

        published = self.publish(wid, 1, "all")
        self.assertEqual((published["version"], published["profiles"], published["replaced"]), (1, ["all"], []))
        published = self.publish(wid, 2, ["Tier 1"])
        self.assertEqual(published["profiles"], ["Tier 1"])
        publications = self.admin.get(f"/api/admin/workflows/{wid}").json()["publications"]
        self.assertEqual(sorted((p["profile"], p["version"]) for p in publications), [("Tier 1", 2), ("all", 1)])

        r = self.admin.delete(f"/api/admin/workflows/{wid}/publish?profile=Tier%201")
        self.assertEqual(self.assertStatus(r, 200)["unpublished"], ["Tier 1"])
        r = self.admin.delete(f"/api/admin/workflows/{wid}/publish")
        self.assertEqual(self.assertStatus(r, 200)["unpublished"], ["all"])
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{wid}").json()["publications"], [])
        self.assertProblem(self.admin.delete(f"/api/admin/workflows/{wid}/publish"), 404, "not_published")

        self.assertStatus(self.admin.delete(f"/api/admin/workflows/{wid}"), 204)
        self.assertProblem(self.admin.get(f"/api/admin/workflows/{wid}"), 404, "not_found")

    def test_publishing_over_another_workflows_publication_reports_it_as_replaced(self):
        first = self.make_workflow("wf", "hold one", event="On Hold")
        second = self.make_workflow("wf", "hold two", event="On Hold")
        self.publish(first["id"], self.freeze(first["id"]), "all")
        answer = self.publish(second["id"], self.freeze(second["id"]), "all")
        self.assertEqual(len(answer["replaced"]), 1, answer)
        self.assertEqual(answer["replaced"][0]["workflowId"], first["id"])
        self.assertEqual(answer["replaced"][0]["profile"], "all")
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{first['id']}").json()["publications"], [])

    def test_the_effective_view_gives_a_profiles_own_publication_over_all(self):
        everyone = self.make_workflow("wf", "end all", event="On End")
        tier1 = self.make_workflow("wf", "end tier 1", event="On End")
        self.publish(everyone["id"], self.freeze(everyone["id"]), "all")
        self.publish(tier1["id"], self.freeze(tier1["id"]), ["Tier 1"])
        view = self.assertStatus(self.admin.get("/api/admin/instances/wf/publications"), 200)
        on_end = [(p["profile"], p["workflowId"]) for p in view["publications"] if p["event"] == "On End"]
        self.assertEqual(sorted(on_end), sorted([("all", everyone["id"]), ("Tier 1", tier1["id"])]))
        effective = {e["profile"]: e["events"].get("On End") for e in view["effective"]}
        self.assertEqual(effective["Tier 1"], {"workflowId": tier1["id"], "version": 1, "via": "profile"})
        self.assertEqual(effective["Tier 2"], {"workflowId": everyone["id"], "version": 1, "via": "all"})
        self.assertEqual(effective["all"], {"workflowId": everyone["id"], "version": 1, "via": "all"})

    def test_a_published_workflow_cannot_change_its_event(self):
        workflow = self.make_workflow("wf", "chat pop", event="Chat Ring")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        r = self.admin.put(f"/api/admin/workflows/{workflow['id']}", {"definition": definition(), "event": "Chat Accept"})
        self.assertProblem(r, 409, "published", field="event")

    def test_validate_answers_200_with_valid_and_the_field_at_fault(self):
        r = self.admin.post("/api/admin/workflows/validate", {"definition": definition()})
        self.assertEqual(self.assertStatus(r, 200), {"valid": True, "definition": definition()})
        broken = definition()
        broken["steps"]["pop"]["next"] = {"done": "missing"}
        answer = self.assertStatus(self.admin.post("/api/admin/workflows/validate", {"definition": broken}), 200)
        self.assertFalse(answer["valid"])
        self.assertEqual(answer["code"], "invalid_definition")
        self.assertEqual(answer["field"], "steps.pop.next.done")
        self.assertIn("missing", answer["message"])
        answer = self.admin.post("/api/admin/workflows/validate", {}).json()
        self.assertEqual((answer["valid"], answer["field"]), (False, "definition"))


class Keys(AdminTest):
    def crm_trigger(self, key):
        return self.server.post_json("/api/sendmessage/CRM",
                                     {"jwt": key, "agentid": "a1", "crmid": "c1", "event": "On Ring"})

    def test_create_list_use_revoke_rotate_and_audit_a_key(self):
        r = self.admin.post("/api/admin/keys", {"label": "crm connector", "scope": ["crm"], "crmIds": ["c1"]})
        created = self.assertStatus(r, 201)
        key, key_id = created["key"], created["id"]
        self.assertEqual((created["kind"], created["label"], created["scope"], created["crmIds"]),
                         ("api_key", "crm connector", ["crm"], ["c1"]))
        listed = self.assertStatus(self.admin.get("/api/admin/keys"), 200)["keys"]
        mine = [k for k in listed if k["id"] == key_id]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("key", mine[0])  # shown once, in the answer to POST only
        self.assertNotIn(key, json.dumps(listed))
        self.assertEqual(self.crm_trigger(key).status, 200)

        rotated = self.assertStatus(self.admin.post(f"/api/admin/keys/{key_id}/rotate", {"grace": "1h"}), 201)
        self.assertNotEqual(rotated["id"], key_id)
        self.assertEqual(rotated["replaces"]["id"], key_id)
        self.assertEqual(rotated["scope"], ["crm"])
        self.assertEqual(self.crm_trigger(rotated["key"]).status, 200)
        self.assertEqual(self.crm_trigger(key).status, 200)  # still in its grace period

        revoked = self.assertStatus(self.admin.post(f"/api/admin/keys/{key_id}/revoke"), 200)
        self.assertIsNotNone(revoked["revokedAt"])
        # At once: the server made the change, so it does not wait for its revocation poll.
        self.assertEqual(self.crm_trigger(key).status, 401, "a revoked key still triggers")
        self.assertEqual(self.crm_trigger(rotated["key"]).status, 200)

        audit = self.assertStatus(self.admin.get(f"/api/admin/keys/{key_id}/audit"), 200)
        self.assertEqual(audit["key"]["id"], key_id)
        actions = [e["action"] for e in audit["audit"]]
        self.assertEqual(actions, ["key.revoke", "key.rotate", "key.create"])
        self.assertTrue(all(e["actor"].startswith("token:") for e in audit["audit"]))
        self.assertNotIn(key, json.dumps(audit))

    def test_an_unknown_key_id_is_404(self):
        for path in ["/api/admin/keys/k_nope/revoke", "/api/admin/keys/k_nope/rotate"]:
            self.assertProblem(self.admin.post(path), 404, "not_found")
        self.assertProblem(self.admin.get("/api/admin/keys/k_nope/audit"), 404, "not_found")

    def test_client_tokens_and_bad_key_requests(self):
        r = self.admin.post("/api/admin/keys", {"kind": "client_token", "agentId": "a1", "expires": "1h"})
        created = self.assertStatus(r, 201)
        self.assertEqual((created["kind"], created["agentId"]), ("client_token", "a1"))
        self.assertIsNotNone(created["expiresAt"])
        self.assertProblem(self.admin.post("/api/admin/keys", {"kind": "admin_token"}), 400, "invalid_field",
                           field="kind")
        self.assertProblem(self.admin.post("/api/admin/keys", {"scope": ["sms"]}), 400, "invalid_key_request",
                           message_has="sms")
        self.assertProblem(self.admin.post("/api/admin/keys", {"expires": "soon"}), 400, "invalid_field",
                           field="expires")


class Audit(AdminTest):
    def test_newest_first_paged_with_before_and_filtered_by_target(self):
        for crm_id in ["au1", "au2", "au3"]:
            self.make_instance(crm_id)
        self.admin.patch("/api/admin/instances/au1", {"name": "renamed"})
        whole = self.assertStatus(self.admin.get("/api/admin/audit"), 200)["entries"]
        ids = [e["id"] for e in whole]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual((whole[0]["action"], whole[0]["target"]), ("instance.update", "instance:au1"))
        self.assertEqual(whole[0]["before"]["name"], "au1")
        self.assertEqual(whole[0]["after"]["name"], "renamed")

        paged, before = [], None
        while True:
            page = self.admin.get("/api/admin/audit?limit=2" + (f"&before={before}" if before else "")).json()
            self.assertLessEqual(len(page["entries"]), 2)
            paged += [e["id"] for e in page["entries"]]
            before = page["next"]
            if before is None:
                break
        self.assertEqual(paged, ids)

        only = self.admin.get("/api/admin/audit?target=instance:au1").json()["entries"]
        self.assertEqual([e["action"] for e in only], ["instance.update", "instance.create"])
        self.assertProblem(self.admin.get("/api/admin/audit?before=yesterday"), 400, "invalid_field")


class BadInput(AdminTest):
    """What each write route refuses, with the code and the field a form can point at."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin.post("/api/admin/instances", {"crmId": "bad"})
        cls.admin.post("/api/admin/instances/bad/profiles", {"name": "Tier 1"})
        r = cls.admin.post("/api/admin/instances/bad/workflows",
                           {"name": "w", "event": "On Ring", "definition": definition()})
        cls.wid = r.json()["id"]
        cls.admin.post(f"/api/admin/workflows/{cls.wid}/versions")
        cls.key_id = cls.admin.post("/api/admin/keys", {"scope": ["crm"]}).json()["id"]

    def write_routes(self):
        """(method, path) of every write route that takes a JSON body."""
        w, k = self.wid, self.key_id
        return [("POST", "/api/admin/instances"), ("PATCH", "/api/admin/instances/bad"),
                ("POST", "/api/admin/instances/bad/profiles"), ("POST", "/api/admin/instances/bad/agents"),
                ("POST", "/api/admin/instances/bad/events"), ("PATCH", "/api/admin/instances/bad/events/On%20Ring"),
                ("POST", "/api/admin/instances/bad/workflows"),
                ("POST", "/api/admin/workflows/validate"), ("PUT", f"/api/admin/workflows/{w}"),
                ("POST", f"/api/admin/workflows/{w}/publish"), ("POST", "/api/admin/keys"),
                ("POST", f"/api/admin/keys/{k}/rotate")]

    def test_malformed_json_is_400_on_every_write_route(self):
        for method, path in self.write_routes():
            with self.subTest(method=method, path=path):
                r = self.admin.call(method, path, '{"name": "x",', headers={"Content-Type": "application/json"})
                self.assertProblem(r, 400, "malformed_json")
                r = self.admin.call(method, path, '["a list"]', headers={"Content-Type": "application/json"})
                self.assertProblem(r, 400, "malformed_json")

    def test_an_unknown_field_is_named_on_every_write_route_that_checks_members(self):
        for method, path in self.write_routes():
            if path.endswith("/validate"):
                continue  # validate looks at "definition" only
            with self.subTest(method=method, path=path):
                r = self.admin.call(method, path, {"crmtype": "generic"})
                self.assertProblem(r, 400, "unknown_field", field="crmtype", message_has="crmtype")

    def test_missing_required_fields(self):
        cases = [("POST", "/api/admin/instances", {"name": "x"}, "crmId"),
                 ("POST", "/api/admin/instances/bad/profiles", {}, "name"),
                 ("POST", "/api/admin/instances/bad/agents", {"agentId": "a1"}, "profile"),
                 ("POST", "/api/admin/instances/bad/events", {"description": "d"}, "name"),
                 ("POST", "/api/admin/instances/bad/workflows", {"event": "On Ring", "definition": definition()}, "name"),
                 ("POST", "/api/admin/instances/bad/workflows", {"name": "n", "definition": definition()}, "event"),
                 ("POST", "/api/admin/instances/bad/workflows", {"name": "n", "event": "On Ring"}, "definition"),
                 ("PUT", f"/api/admin/workflows/{self.wid}", {"name": "n"}, "definition"),
                 ("POST", f"/api/admin/workflows/{self.wid}/publish", {"profiles": "all"}, "version")]
        for method, path, body, field in cases:
            with self.subTest(path=path, field=field):
                self.assertProblem(self.admin.call(method, path, body), 400, "missing_field", field=field,
                                   message_has=field)

    def test_wrong_types_are_invalid_field(self):
        self.assertProblem(self.admin.post("/api/admin/instances", {"crmId": 7}), 400, "invalid_field", field="crmId")
        self.assertProblem(self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": "1"}),
                           400, "invalid_field", field="version")
        self.assertProblem(self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": 1, "profiles": []}),
                           400, "invalid_field", field="profiles")
        self.assertProblem(self.admin.patch("/api/admin/instances/bad", {"urlTemplates": "x"}),
                           400, "invalid_field", field="urlTemplates")

    def test_bad_crm_type(self):
        r = self.admin.post("/api/admin/instances", {"crmId": "x1", "crmType": "sap"})
        self.assertProblem(r, 400, "invalid_field", field="crmType", message_has="salesforce")
        self.assertProblem(self.admin.patch("/api/admin/instances/bad", {"crmType": "sap"}), 400, "invalid_field",
                           field="crmType")

    def test_crm_ids_and_agent_ids_follow_topic_rules(self):
        for bad in ["a/b", "a+b", "a#b"]:
            with self.subTest(crm_id=bad):
                self.assertProblem(self.admin.post("/api/admin/instances", {"crmId": bad}), 400, "invalid_field",
                                   field="crmId")
            with self.subTest(agent_id=bad):
                r = self.admin.post("/api/admin/instances/bad/agents", {"agentId": bad, "profile": "Tier 1"})
                self.assertProblem(r, 400, "invalid_field", field="agentId")
        # An empty one counts as not given.
        self.assertProblem(self.admin.post("/api/admin/instances", {"crmId": ""}), 400, "missing_field", field="crmId")

    def test_a_definition_with_a_bad_step_names_the_step_and_field(self):
        broken = definition()
        broken["steps"]["pop"]["titel"] = "typo"
        for method, path, body in [("POST", "/api/admin/instances/bad/workflows",
                                    {"name": "broken", "event": "On Ring", "definition": broken}),
                                   ("PUT", f"/api/admin/workflows/{self.wid}", {"definition": broken})]:
            with self.subTest(method=method):
                problem = self.assertProblem(self.admin.call(method, path, body), 400, "invalid_definition",
                                             field="steps.pop.titel")
                self.assertIn("pop", problem["message"])
                self.assertIn("title", problem["message"])  # the suggestion
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{self.wid}").json()["draft"], definition())

    def test_an_unknown_event_suggests_the_near_one(self):
        r = self.admin.post("/api/admin/instances/bad/workflows",
                            {"name": "typo", "event": "On ring", "definition": definition()})
        self.assertProblem(r, 400, "unknown_event", field="event", message_has="did you mean 'On Ring'")
        r = self.admin.post("/api/admin/instances/bad/workflows",
                            {"name": "far", "event": "Fax Received", "definition": definition()})
        problem = self.assertProblem(r, 400, "unknown_event", field="event")
        self.assertNotIn("did you mean", problem["message"])

    def test_publish_to_an_unknown_profile_or_version(self):
        r = self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": 1, "profiles": ["Tier 9"]})
        self.assertProblem(r, 400, "unknown_profile", field="profiles", message_has="Tier 9")
        r = self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": 7, "profiles": "all"})
        self.assertProblem(r, 404, "unknown_version", field="version", message_has="7")
        # Past the range of versions: refused, never wrapped around to version 1.
        for version in [2 ** 32 + 1, 0, -1]:
            with self.subTest(version=version):
                r = self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": version})
                self.assertProblem(r, 400, "invalid_field", field="version")
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{self.wid}").json()["publications"], [])

    def test_unknown_instance_and_workflow_are_404(self):
        self.assertProblem(self.admin.post("/api/admin/instances/nope/workflows",
                                           {"name": "n", "event": "On Ring", "definition": definition()}),
                           404, "not_found")
        self.assertProblem(self.admin.post("/api/admin/instances/nope/profiles", {"name": "p"}), 404, "not_found")
        self.assertProblem(self.admin.put("/api/admin/workflows/wf_nope", {"definition": definition()}), 404,
                           "not_found")
        self.assertProblem(self.admin.get("/api/admin/instances/nope/publications"), 404, "not_found")

    def test_a_refused_write_changes_nothing(self):
        before = self.admin.get("/api/admin/audit").json()["entries"][0]["id"]
        self.admin.post(f"/api/admin/workflows/{self.wid}/publish", {"version": 7})
        self.admin.post("/api/admin/instances", {"crmId": "a/b"})
        self.assertEqual(self.admin.get("/api/admin/audit").json()["entries"][0]["id"], before)

    def test_a_bad_if_match_is_400(self):
        r = self.admin.put(f"/api/admin/workflows/{self.wid}", {"definition": definition()},
                           headers={"If-Match": '"yesterday"'})
        self.assertProblem(r, 400, "invalid_field", field="If-Match")


class ConcurrentEdits(AdminTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin.post("/api/admin/instances", {"crmId": "race"})

    def race(self, workflow_id, make_request):
        results = []
        barrier = threading.Barrier(2)

        def edit(n):
            barrier.wait()
            results.append(make_request(n))

        threads = [threading.Thread(target=edit, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(r.status for r in results), results

    def test_two_puts_with_the_same_if_match_one_wins(self):
        workflow = self.make_workflow("race", "etag race")
        wid, etag = workflow["id"], f'"{workflow["revision"]}"'
        statuses, results = self.race(wid, lambda n: self.admin.put(
            f"/api/admin/workflows/{wid}", {"definition": definition(f"editor {n}")}, headers={"If-Match": etag}))
        self.assertEqual(statuses, [200, 409], results)
        loser = [r for r in results if r.status == 409][0]
        self.assertEqual(loser.json()["code"], "edit_conflict")
        winner = [r for r in results if r.status == 200][0]
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{wid}").json()["draft"], winner.json()["draft"])

    def test_two_puts_with_the_same_revision_in_the_body_one_wins(self):
        workflow = self.make_workflow("race", "body race")
        wid, revision = workflow["id"], workflow["revision"]
        statuses, results = self.race(wid, lambda n: self.admin.put(
            f"/api/admin/workflows/{wid}", {"definition": definition(f"editor {n}"), "revision": revision}))
        self.assertEqual(statuses, [200, 409], results)
        self.assertEqual([r for r in results if r.status == 409][0].json()["code"], "edit_conflict")
        self.assertEqual(self.admin.get(f"/api/admin/workflows/{wid}").json()["revision"], revision + 1)


if __name__ == "__main__":
    unittest.main()
