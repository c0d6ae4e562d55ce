"""`workflow export|import|publish` (docs/workflows.md "Configuration as code"): files that
round-trip byte for byte, imports that are idempotent and all-or-nothing, and a running
server that picks an import up."""
import copy
import json
import os
import shutil
import tempfile
import time
import unittest

from harness import Server, wait_until

CRM = "acme.crm.example.com"


def definition(message, title="Call from {interaction.ani}"):
    return {"schema": 1, "start": "pop",
            "steps": {"pop": {"type": "show", "title": title, "fields": [], "next": {"done": "log"}},
                      "log": {"type": "log", "message": message}}}


FILE = {
    "popflowWorkflows": 1,
    "instance": {"crmId": CRM, "name": "Acme CRM", "crmType": "salesforce", "supersedeBy": "interactionId"},
    "profiles": ["Tier 2", "Tier 1"],
    "agents": [{"agentId": "1001", "profile": "Tier 1"}],
    "events": [{"name": "VIP Ring", "description": "a VIP calls", "staleAfter": 20},
               {"name": "On Ring", "staleAfter": 15}],
    "workflows": [
        {"name": "Ring pop", "event": "On Ring", "description": "the caller's card",
         "definition": definition("shown"), "publish": "all"},
        {"name": "VIP", "event": "VIP Ring", "definition": definition("vip"), "publish": ["Tier 1", "all"]},
        {"name": "Draft only", "event": "On End", "definition": definition("end"), "publish": None},
    ],
}


class WorkflowFiles(unittest.TestCase):
    def setUp(self):
        self.servers = []
        self.dir = tempfile.mkdtemp(prefix="popflow-wf-")

    def tearDown(self):
        for server in self.servers:
            server.__exit__(None, None, None)
        shutil.rmtree(self.dir, ignore_errors=True)

    def data_dir(self):
        server = Server()
        self.servers.append(server)
        server.customer("acme")
        return server

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content, indent=1))
        return path

    def scope(self):
        return ["--customer", "acme", "--instance", CRM]

    def do(self, server, *args):
        return server.cli("workflow", *args, *self.scope())

    def fails(self, server, *args):
        out = server.cli_result("workflow", *args, *self.scope())
        self.assertEqual(out.returncode, 1, out)
        self.assertEqual(out.stdout, "")
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        return out.stderr

    def exported(self, server):
        return server.cli("workflow", "export", "-", *self.scope()) + "\n"

    def test_round_trip_gives_an_identical_export_and_a_second_import_changes_nothing(self):
        first = self.data_dir()
        report = self.do(first, "import", self.write("in.json", FILE)).splitlines()
        for line in ["created instance 'acme.crm.example.com' (salesforce)", "added profile 'Tier 1'",
                     "added event 'VIP Ring'", "updated event 'On Ring' (staleAfter)",
                     "set agent '1001' to profile 'Tier 1'",
                     "created workflow 'Ring pop'", "published 'Ring pop' v1 to all",
                     "published 'VIP' v1 to all", "published 'VIP' v1 to Tier 1", "created workflow 'Draft only'"]:
            self.assertIn(line, report)
        self.assertEqual(self.do(first, "import", self.write("in.json", FILE)), "nothing changed")
        text = self.exported(first)
        self.assertEqual(text, self.exported(first))  # stable
        exported = json.loads(text)
        self.assertEqual([w["name"] for w in exported["workflows"]], ["Draft only", "Ring pop", "VIP"])
        self.assertEqual(exported["profiles"], ["Tier 1", "Tier 2"])
        # The pop rules travel too; built-in events appear only where they differ from a new instance's.
        self.assertEqual(exported["instance"]["supersedeBy"], "interactionId")
        self.assertEqual(exported["events"], [{"name": "On Ring", "description": "", "staleAfter": 15},
                                              {"name": "VIP Ring", "description": "a VIP calls", "staleAfter": 20}])
        self.assertEqual({w["name"]: w["publish"] for w in exported["workflows"]},
                         {"Draft only": None, "Ring pop": "all", "VIP": ["all", "Tier 1"]})
        self.assertIn('        "steps": {\n          "pop": {\n            "type": "show",', text)  # canonical, indented

        second = self.data_dir()
        path = self.write("exported.json", text)
        self.assertIn("created workflow 'VIP'", self.do(second, "import", path))
        self.assertEqual(self.exported(second), text)
        self.assertEqual(self.do(second, "import", path), "nothing changed")

        # Exporting to a file writes the same bytes.
        out = os.path.join(self.dir, "out.json")
        self.do(second, "export", out)
        with open(out) as f:
            self.assertEqual(f.read(), text)

    def test_a_changed_definition_makes_a_new_version_and_republishes_it(self):
        server = self.data_dir()
        self.do(server, "import", self.write("in.json", FILE))
        changed = copy.deepcopy(FILE)
        changed["workflows"][0]["definition"] = definition("shown again")
        report = self.do(server, "import", self.write("changed.json", changed)).splitlines()
        self.assertEqual(report, ["updated workflow 'Ring pop' (definition)", "froze 'Ring pop' as v2",
                                  "published 'Ring pop' v2 to all", "unchanged: 2 workflows"])
        exported = json.loads(self.exported(server))
        ring = next(w for w in exported["workflows"] if w["name"] == "Ring pop")
        self.assertEqual(ring["definition"]["steps"]["log"]["message"], "shown again")
        self.assertEqual(self.do(server, "import", self.write("changed.json", changed)), "nothing changed")

    def test_a_bad_definition_fails_naming_the_workflow_and_field_and_applies_nothing(self):
        server = self.data_dir()
        bad = copy.deepcopy(FILE)
        bad["workflows"][2]["definition"]["steps"]["pop"]["next"]["done"] = "nowhere"
        error = self.fails(server, "import", self.write("bad.json", bad))
        self.assertIn("workflow 'Draft only'", error)
        self.assertIn("steps.pop.next.done", error)
        self.assertIn("has no instance", self.fails(server, "export", "-"))  # the instance is not there either

    def test_an_unknown_event_suggests_the_name_meant(self):
        server = self.data_dir()
        typo = copy.deepcopy(FILE)
        typo["workflows"][0]["event"] = "On ring"
        error = self.fails(server, "import", self.write("typo.json", typo))
        self.assertIn("workflow 'Ring pop'", error)
        self.assertIn("did you mean 'On Ring'?", error)

    def test_dry_run_reports_and_writes_nothing(self):
        server = self.data_dir()
        report = self.do(server, "import", self.write("in.json", FILE), "--dry-run").splitlines()
        self.assertIn("created workflow 'Ring pop'", report)
        self.assertEqual(report[-1], "dry run: nothing was written")
        self.assertIn("has no instance", self.fails(server, "export", "-"))

    def test_the_file_must_be_for_the_instance_named(self):
        server = self.data_dir()
        other = copy.deepcopy(FILE)
        other["instance"]["crmId"] = "staging.crm.example.com"
        self.assertIn("staging.crm.example.com", self.fails(server, "import", self.write("other.json", other)))
        self.assertIn("'agentss'", self.fails(server, "import", self.write("typo.json", {**FILE, "agentss": []})))

    def test_publish_freezes_the_draft_and_unpublish_removes_it(self):
        server = self.data_dir()
        self.do(server, "import", self.write("in.json", FILE))
        self.assertEqual(self.do(server, "publish", "Draft only", "--profile", "Tier 2").splitlines(),
                         ["froze 'Draft only' as v1", "published 'Draft only' v1 to Tier 2"])
        self.assertEqual(self.do(server, "publish", "Draft only", "--version", "1"),
                         "published 'Draft only' v1 to all")
        # The file says "publish": null for it: import leaves the publications and says so.
        self.assertEqual(self.do(server, "import", self.write("in.json", FILE)).splitlines(),
                         ["nothing changed", "note: 'Draft only' stays published to all (v1), Tier 2 (v1): its "
                          "\"publish\" is null in the file, which leaves publications alone"])
        self.assertEqual(self.do(server, "publish", "Draft only", "--unpublish", "--profile", "Tier 2"),
                         "unpublished 'Draft only' from Tier 2")
        exported = json.loads(self.exported(server))
        self.assertEqual(next(w for w in exported["workflows"] if w["name"] == "Draft only")["publish"], "all")
        self.assertIn("did you mean 'Draft only'?", self.fails(server, "publish", "Draft onl"))
        self.assertIn("no version 7", self.fails(server, "publish", "VIP", "--version", "7"))

    def test_a_running_server_resolves_an_imported_workflow_within_two_seconds(self):
        server = self.data_dir()
        key = server.api_key("acme")
        server.start()
        server.wait_for_key(key)
        trigger = {"jwt": key, "agentId": "2002", "event": "On Ring", "crmId": CRM}
        self.assertNotIn("workflow", server.post_json("/api/sendmessage/CRM", trigger).json())
        self.do(server, "import", self.write("in.json", FILE))
        started = time.monotonic()

        def resolved():
            answer = server.post_json("/api/sendmessage/CRM", trigger)
            self.assertEqual(answer.status, 200, answer)
            return answer.json().get("workflow")

        workflow = wait_until(resolved, timeout=2.0, interval=0.05)
        self.assertIsNotNone(workflow, "the import did not reach the server within 2 s")
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertEqual((workflow["name"], workflow["version"], workflow["instance"]), ("Ring pop", 1, CRM))


if __name__ == "__main__":
    unittest.main()
