"""What the admin API's publishing does to a trigger's answer (CONTRACT "What a trigger's
answer adds"): the workflow it resolves to, or a warning and didYouMean; every change
visible to the next trigger; and the metrics that count both."""
import re
import unittest

from admin_fixture import AdminTest, add_user, definition, sign_in
from harness import wait_until


def metric(text, name, label, value):
    match = re.search(rf'^{name}\{{{label}="{value}"\}} (\d+)$', text, re.M)
    return int(match.group(1)) if match else 0


class TriggerAnswers(AdminTest):
    def crm(self, crm_id, event="On Ring", agent="a1", key=None):
        return self.trigger("CRM", {"agentid": agent, "crmid": crm_id, "event": event}, key)

    def cti(self, event, agent="a1"):
        return self.trigger("CTI", {"agentid": agent, "event": event})

    def test_a_published_workflow_is_named_in_the_next_trigger_at_once(self):
        self.make_instance("t-ring")
        workflow = self.make_workflow("t-ring", "ring card")
        before = self.crm("t-ring")
        self.assertNotIn("workflow", before)
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        answer = self.crm("t-ring")  # no waiting: the catalog is reloaded before the answer
        self.assertEqual(answer["workflow"], {"id": workflow["id"], "name": "ring card", "version": 1,
                                              "instance": "t-ring"})
        self.assertFalse([w for w in answer.get("warnings", []) if "workflow" in w], answer)
        # A CTI trigger has no crmId: the only instance where the event is published.
        self.assertEqual(self.cti("On Ring")["workflow"]["instance"], "t-ring")

    def test_a_near_miss_event_gets_a_warning_and_did_you_mean(self):
        self.make_instance("t-typo")
        workflow = self.make_workflow("t-typo", "typo card", event="Chat Ring")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        answer = self.cti("Chat ring")
        self.assertNotIn("workflow", answer)
        self.assertEqual(answer["didYouMean"], "Chat Ring")
        warning = [w for w in answer["warnings"] if "Chat ring" in w]
        self.assertTrue(warning, answer)
        self.assertIn("did you mean 'Chat Ring'", warning[0])
        self.assertEqual(answer["status"], "ok")  # still delivered: the client decides

    def test_republishing_and_unpublishing_show_in_the_next_triggers(self):
        self.make_instance("t-ver")
        workflow = self.make_workflow("t-ver", "versioned", event="On Answer")
        wid = workflow["id"]
        self.publish(wid, self.freeze(wid))
        self.assertEqual(self.crm("t-ver", "On Answer")["workflow"]["version"], 1)
        self.admin.put(f"/api/admin/workflows/{wid}", {"definition": definition("v2")})
        self.publish(wid, self.freeze(wid))
        self.assertTrue(wait_until(lambda: self.crm("t-ver", "On Answer").get("workflow", {}).get("version") == 2,
                                   timeout=2), "version 2 not in the trigger's answer within 2 s")
        self.publish(wid, 1)  # back to 1
        self.assertTrue(wait_until(lambda: self.crm("t-ver", "On Answer").get("workflow", {}).get("version") == 1,
                                   timeout=2))
        self.assertEqual(self.admin.delete(f"/api/admin/workflows/{wid}/publish").status, 200)
        answer = wait_until(lambda: (lambda a: a if "workflow" not in a else None)(self.crm("t-ver", "On Answer")),
                            timeout=2)
        self.assertTrue(answer, "still resolved after unpublishing")
        self.assertTrue([w for w in answer["warnings"] if "On Answer" in w], answer)

    def test_renaming_a_published_workflow_shows_in_the_next_trigger(self):
        self.make_instance("t-name")
        workflow = self.make_workflow("t-name", "old name", event="On Hold")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        self.assertEqual(self.crm("t-name", "On Hold")["workflow"]["name"], "old name")
        r = self.admin.put(f"/api/admin/workflows/{workflow['id']}", {"definition": definition(), "name": "new name"})
        self.assertEqual(r.status, 200, r)
        # The very next trigger: no poll of the store is needed for the API's own changes.
        self.assertEqual(self.crm("t-name", "On Hold")["workflow"]["name"], "new name")

    def test_deleting_a_published_workflow_or_its_instance_unresolves_triggers(self):
        self.make_instance("t-del")
        workflow = self.make_workflow("t-del", "doomed", event="On End")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        self.assertIn("workflow", self.crm("t-del", "On End"))
        self.assertEqual(self.admin.delete(f"/api/admin/workflows/{workflow['id']}").status, 204)
        self.assertNotIn("workflow", self.crm("t-del", "On End"))

        workflow = self.make_workflow("t-del", "doomed again", event="On End")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        self.assertIn("workflow", self.crm("t-del", "On End"))
        self.assertEqual(self.admin.delete("/api/admin/instances/t-del").status, 204)
        answer = self.crm("t-del", "On End")
        self.assertNotIn("workflow", answer)
        self.assertTrue([w for w in answer["warnings"] if "no instance" in w], answer)

    def test_a_profiles_own_publication_goes_to_the_agents_of_that_profile(self):
        self.make_instance("t-prof")
        self.admin.post("/api/admin/instances/t-prof/profiles", {"name": "Gold"})
        self.admin.post("/api/admin/instances/t-prof/agents", {"agentId": "gold-agent", "profile": "Gold"})
        everyone = self.make_workflow("t-prof", "for all", event="Chat Accept")
        gold = self.make_workflow("t-prof", "for gold", event="Chat Accept")
        self.publish(everyone["id"], self.freeze(everyone["id"]), "all")
        self.publish(gold["id"], self.freeze(gold["id"]), ["Gold"])
        self.assertEqual(self.crm("t-prof", "Chat Accept", agent="gold-agent")["workflow"]["id"], gold["id"])
        self.assertEqual(self.crm("t-prof", "Chat Accept", agent="anyone")["workflow"]["id"], everyone["id"])
        # The directory also tells a CTI trigger its agent's instance.
        self.assertEqual(self.cti("Chat Accept", agent="gold-agent")["workflow"]["id"], gold["id"])

    def test_one_customers_publications_never_resolve_anothers_triggers(self):
        self.make_instance("t-iso")
        workflow = self.make_workflow("t-iso", "acme only", event="Chat Reject")
        self.publish(workflow["id"], self.freeze(workflow["id"]))
        answer = self.crm("t-iso", "Chat Reject", key=self.globex_key)
        self.assertNotIn("workflow", answer)
        self.assertNotIn(workflow["id"], str(answer))

    def test_console_users_and_keys_made_by_the_cli_while_running_are_used_at_once(self):
        add_user(self.server, "late", "acme", "designer")
        r, designer = sign_in(self.server, "late")
        self.assertEqual(r.status, 200, r)
        self.make_instance("t-cli")
        workflow = self.make_workflow("t-cli", "by the designer", event="On Chat End", caller=designer)
        self.publish(workflow["id"], self.freeze(workflow["id"], caller=designer), caller=designer)
        key = self.server.api_key("acme", "--scope", "crm")
        self.server.wait_for_key(key)
        self.assertEqual(self.crm("t-cli", "On Chat End", key=key)["workflow"]["name"], "by the designer")
        entries = self.admin.get(f"/api/admin/audit?target=workflow:{workflow['id']}").json()["entries"]
        self.assertEqual([e["action"] for e in entries], ["workflow.publish", "workflow.version", "workflow.create"])
        self.assertEqual({e["actor"] for e in entries}, {"user:late"})


class Metrics(AdminTest):
    def test_sign_ins_and_unresolved_triggers_are_counted(self):
        def scrape():
            return self.server.request("GET", "/metrics").body

        add_user(self.server, "metered", "acme", "viewer")
        before = scrape()
        self.assertIn("popflow_console_sign_ins_total", before)
        self.assertIn("popflow_workflow_unresolved_total", before)
        sign_in(self.server, "metered")
        self.server.post_json("/api/admin/session", {"user": "metered", "password": "Not-The-Password-9"})
        self.trigger("CTI", {"agentid": "a1", "event": "Nothing Published"})
        self.trigger("CRM", {"agentid": "a1", "crmid": "no-such-instance", "event": "On Ring"})
        after = scrape()
        for label, value in [("ok", 1), ("refused", 1)]:
            with self.subTest(result=label):
                self.assertEqual(metric(after, "popflow_console_sign_ins_total", "result", label) -
                                 metric(before, "popflow_console_sign_ins_total", "result", label), value, after)
        for reason in ["no_publication", "no_instance"]:
            with self.subTest(reason=reason):
                self.assertEqual(metric(after, "popflow_workflow_unresolved_total", "reason", reason) -
                                 metric(before, "popflow_workflow_unresolved_total", "reason", reason), 1, after)


if __name__ == "__main__":
    unittest.main()
