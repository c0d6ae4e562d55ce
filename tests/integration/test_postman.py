"""The Postman collection, run as a user runs it: newman (Postman's command-line runner).

The server gets a customer, an API key, a client token, an admin token and a viewer console
user (for the "Admin API" folder); newman runs
docs/postman/popflow-connect.postman_collection.json with them as --env-var values and must
exit 0 in bounded time (no request may stream), having run every request of the collection
with its pm.test assertions, none failing. Its JSON report says what ran.

Needs `npm ci --prefix tests/integration/js` (newman is in its package.json); `make test`
runs it. Without node or newman the test is skipped, saying so.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import Server

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
COLLECTION = os.path.join(REPO, "docs", "postman", "popflow-connect.postman_collection.json")
NODE = shutil.which("node")
NEWMAN = os.path.join(HERE, "js", "node_modules", "newman", "bin", "newman.js")
INSTALL_HINT = "run `npm ci --prefix tests/integration/js` (needs node and npm)"
RUN_TIMEOUT = 120  # seconds; the run takes about two


def newman_missing():
    if not NODE:
        return "node is not installed"
    if not os.path.exists(NEWMAN):
        return "newman is not installed: " + INSTALL_HINT
    return None


def collection_requests(items):
    """The collection's requests (items), folder by folder, in the order a runner sends them."""
    for item in items:
        if "item" in item:
            yield from collection_requests(item["item"])
        else:
            yield item


@unittest.skipIf(newman_missing(), newman_missing())
class PostmanCollection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.server.customer("acme")
        cls.key = cls.server.api_key("acme")
        cls.admin_token = cls.server.cli("token", "create", "--customer", "acme", "--admin")
        cls.viewer_password = cls.server.cli("user", "add", "postman-viewer", "--customer", "acme", "--role", "viewer")
        cls.server.start()
        cls.server.wait_for_key(cls.key)
        cls.token = cls.server.live_token("acme")
        with open(COLLECTION, encoding="utf-8") as f:
            cls.collection = json.load(f)
        cls.report_dir = tempfile.mkdtemp(prefix="popflow-newman-")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        shutil.rmtree(cls.report_dir, ignore_errors=True)

    def run_newman(self, *env):
        report = os.path.join(self.report_dir, "report.json")
        args = [NODE, NEWMAN, "run", COLLECTION, "--reporters", "cli,json", "--reporter-json-export", report,
                "--env-var", "baseUrl=" + self.server.base_url, "--env-var", "apiKey=" + self.key,
                "--env-var", "clientToken=" + self.token, "--env-var", "customerId=acme",
                "--env-var", "adminToken=" + self.admin_token, "--env-var", "viewerUser=postman-viewer",
                "--env-var", "viewerPassword=" + self.viewer_password,
                "--timeout-request", "10000", "--color", "off", *env]
        # A request that streams would hang the run: the timeout turns that into a failure.
        out = subprocess.run(args, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        with open(report, encoding="utf-8") as f:
            return out, json.load(f)["run"]

    def test_every_request_runs_with_its_assertions_passing(self):
        out, run = self.run_newman("--env-var", "agentId=1001")
        self.assertEqual(out.returncode, 0, out.stdout[-6000:] + out.stderr[-2000:])
        self.assertEqual(run["failures"], [], out.stdout[-6000:])

        expected = [item["name"] for item in collection_requests(self.collection["item"])]
        executed = [e["item"]["name"] for e in run["executions"]]
        self.assertEqual(executed, expected, "newman did not run every request once, in order")
        for execution in run["executions"]:
            name = execution["item"]["name"]
            self.assertNotIn("requestError", execution, name)
            assertions = execution.get("assertions", [])
            self.assertTrue(assertions, f"{name}: no pm.test assertions ran")
            for assertion in assertions:
                self.assertNotIn("error", assertion, f"{name}: {assertion['assertion']}")

        stats = run["stats"]
        self.assertEqual(stats["requests"], {"total": len(expected), "pending": 0, "failed": 0})
        self.assertEqual(stats["assertions"]["failed"], 0)
        self.assertEqual(stats["assertions"]["total"],
                         sum(len(e.get("assertions", [])) for e in run["executions"]))

    def test_every_request_has_tests_a_user_relies_on(self):
        for item in collection_requests(self.collection["item"]):
            with self.subTest(request=item["name"]):
                scripts = [e["script"]["exec"] for e in item.get("event", []) if e["listen"] == "test"]
                self.assertEqual(len(scripts), 1, "one test script per request")
                script = "\n".join(scripts[0])
                self.assertIn("pm.test(", script)
                self.assertIn("pm.response.to.have.status(", script)
                published = "have.status(200)" in script and "/api/sendmessage/" in item["request"]["url"]["raw"]
                if published:  # a published trigger checks `status: ok` and its topic (or the first id)
                    self.assertIn('.status).to.eql("ok")', script)
                    self.assertTrue("body.topic" in script or "firstTriggerId" in script, script)
                elif "/api/sendmessage/" in item["request"]["url"]["raw"] and "have.status(204)" not in script:
                    self.assertIn("body.code).to.eql(", script)  # a refusal checks its error code

    def test_a_run_against_a_wrong_key_fails(self):
        # The assertions can fail: with a key of another customer, the topics are not acme's.
        self.server.customer("globex")
        other = self.server.api_key("globex")
        self.server.wait_for_key(other)
        report = os.path.join(self.report_dir, "wrong.json")
        out = subprocess.run([NODE, NEWMAN, "run", COLLECTION, "--reporters", "json", "--reporter-json-export", report,
                              "--env-var", "baseUrl=" + self.server.base_url, "--env-var", "apiKey=" + other,
                              "--env-var", "clientToken=" + self.token, "--env-var", "customerId=acme",
                              "--timeout-request", "10000"],
                             capture_output=True, text=True, timeout=RUN_TIMEOUT)
        self.assertNotEqual(out.returncode, 0)
        with open(report, encoding="utf-8") as f:
            failed = {f["source"]["name"] for f in json.load(f)["run"]["failures"]}
        self.assertIn("POST CRM — seed body with your API key", failed)


if __name__ == "__main__":
    unittest.main()
