"""Keeps docs/openapi.yaml and the Postman collection true to the server and its sources.

- Every operation in openapi.yaml exists on the real server (not 404/405) and answers with a
  status that the document lists for it.
- Every request of the Postman collection exists on the real server and answers with the
  status its own pm.test asserts (the seed's verbatim CRM body is accepted and refused only
  for its placeholder key); the stream collection's one request opens a stream. The
  collection's full assertions run under newman in test_postman.py.
- The error codes in openapi.yaml are exactly those the C++ sources produce (src/http,
  src/net, src/triggers, src/auth, src/admin and the workflow validator), each under the HTTP status the
  sources give it.
- openapi.yaml has exactly the routes src/admin registers, each with its security (admin
  token or console session, plus the CSRF header on writes). Admin operations are probed with
  an admin token on resources that do not exist (nothing changes), and without credentials
  (401: the route exists).
- The Postman requests run in order as newman would: variables their test scripts set and
  the console session cookie are carried to the next requests.
- The collection's seed CRM body is byte-identical to the seed document's example.

Runs on Debian's python3 with the standard library only: openapi.yaml is read line by line,
relying on the layout rules stated at its top. When PyYAML happens to be installed, one more
test checks that a real YAML parse agrees with the line-based reading.
"""
import glob
import http.client
import json
import os
import re
import unittest
import urllib.parse

from harness import Server
from seed import SEED_CRM_BODY

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OPENAPI = os.path.join(REPO, "docs", "openapi.yaml")
POSTMAN = os.path.join(REPO, "docs", "postman", "popflow-connect.postman_collection.json")
# The live event stream, kept apart so that the collection above can be run end to end.
POSTMAN_STREAM = os.path.join(REPO, "docs", "postman", "popflow-connect-stream.postman_collection.json")
SRC = os.path.join(REPO, "src")

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# --- openapi.yaml, read by its layout rules ---------------------------------------------------

def section(lines, name, indent):
    """The lines under the key `name` at `indent` spaces, up to the next key at that indent."""
    head = " " * indent + name + ":"
    out, inside = [], False
    for line in lines:
        if inside:
            stripped = line.lstrip(" ")
            if stripped and not stripped.startswith("#") and len(line) - len(stripped) <= indent:
                break
            out.append(line)
        elif line.rstrip() == head:
            inside = True
    return out


def openapi_operations(text):
    """{(path, METHOD): {status, ...}} from "  /path:", "    method:" and '        "NNN":' lines."""
    ops, path, method = {}, None, None
    for line in section(text.splitlines(), "paths", 0):
        if m := re.match(r"^  (/\S*):\s*$", line):
            path, method = m.group(1), None
        elif m := re.match(r"^    (\w+):\s*$", line):
            method = m.group(1) if m.group(1) in METHODS else None
            if method:
                ops[(path, method.upper())] = set()
        elif method and (m := re.match(r'^        "(\d{3})":\s*$', line)):
            ops[(path, method.upper())].add(int(m.group(1)))
    return ops


def openapi_problem_codes(text):
    """The ProblemCode enum (one "- code" line each)."""
    lines = section(section(text.splitlines(), "components", 0), "schemas", 2)
    enum = section(section(lines, "ProblemCode", 4), "enum", 6)
    return [m.group(1) for line in enum if (m := re.match(r"^\s+- ([a-z_]+)\s*$", line))]


def openapi_error_responses(text):
    """{component name: (x-status, [codes])} for components/responses that carry x-status."""
    lines = section(section(text.splitlines(), "components", 0), "responses", 2)
    out, name = {}, None
    for line in lines:
        if m := re.match(r"^    (\w+):\s*$", line):
            name = m.group(1)
        elif name and (m := re.match(r"^      x-status: (\d{3})\s*$", line)):
            out[name] = (int(m.group(1)), out.get(name, (0, []))[1])
        elif name and (m := re.match(r"^\s+enum: \[(.*)\]\s*$", line)) and name in out:
            out[name] = (out[name][0], [c.strip() for c in m.group(1).split(",")])
    return out


def openapi_example_codes(text):
    return {m.group(1) for m in re.finditer(r"^\s+code: ([a-z_]+)\s*$", text, re.M)}


# --- the C++ sources ------------------------------------------------------------------------

# Configuration as code (admin/workflow_files.hpp): only the CLI's `workflow export|import|
# publish` calls these, so their problems are command-line errors, never HTTP answers.
CLI_ONLY_ADMIN = ("workflow_file.cpp", "workflow_file_write.cpp", "workflow_export.cpp", "workflow_import.cpp",
                  "workflow_import_workflows.cpp", "workflow_publishing.cpp")


def admin_api_sources():
    """src/admin's sources that serve the admin API; asserts that none of them reaches the
    CLI-only ones (through their header), so leaving those out hides no answer."""
    paths = sorted(glob.glob(os.path.join(SRC, "admin", "*.cpp")))
    served = [p for p in paths if os.path.basename(p) not in CLI_ONLY_ADMIN]
    for path in served:
        assert '#include "admin/workflow_files.hpp"' not in read(path), \
            f"{path} uses configuration as code: its problems may be answers now; update CLI_ONLY_ADMIN"
    return served


def source_codes():
    """{(status, code)} for every Problem the HTTP layer can answer with."""
    helpers = {}  # helper name -> (status, fixed code or None)
    for m in re.finditer(r"Problem (\w+)\([^)]*\)\s*\{\s*return Problem\{(\d{3}),\s*(?:std::move\(code\)|\"(\w+)\")",
                         read(os.path.join(SRC, "core", "problem.cpp"))):
        helpers[m.group(1)] = (int(m.group(2)), m.group(3))
    assert {"bad_request", "unauthorized", "forbidden", "too_large"} <= helpers.keys(), helpers

    pairs = set()
    # The workflow validator's problems reach the admin API's answers from these two files;
    # template.cpp's own invalid_template is only ever quoted inside their messages.
    files = (sorted(glob.glob(os.path.join(SRC, "http", "*.cpp"))) + sorted(glob.glob(os.path.join(SRC, "net", "*.cpp")))
             + sorted(glob.glob(os.path.join(SRC, "triggers", "*.cpp")))
             + [os.path.join(SRC, "auth", "auth_failure.cpp")] + admin_api_sources()
             + [os.path.join(SRC, "workflows", "step_reader.cpp"), os.path.join(SRC, "workflows", "template_render.cpp")])
    for path in files:
        text = read(path)
        for name, (status, fixed) in helpers.items():
            if fixed:
                if re.search(r"\b%s\(" % name, text):
                    pairs.add((status, fixed))
            else:
                for m in re.finditer(r"\b%s\(\s*\"(\w+)\"" % name, text):
                    pairs.add((status, m.group(1)))
        # Problem{415, "unsupported_media_type", ...}, refuse({405, "method_not_allowed", ...}), ...
        for m in re.finditer(r"\{\s*(\d{3}),\s*\"(\w+)\"", text):
            pairs.add((int(m.group(1)), m.group(2)))
        # A response written by hand (the listener's 503 when at the connection limit).
        for m in re.finditer(r'"code":"(\w+)"', text):
            status = re.search(r"HTTP/1\.1 (\d{3})", text)
            assert status, f"{path}: a hand-written problem without a status line"
            pairs.add((int(status.group(1)), m.group(1)))
        # Auth failures: unauthorized(label(reason)) with the labels of auth_failure.cpp.
        if re.search(r"unauthorized\(std::string\(label\(", text):
            for m in re.finditer(r"case AuthFailure::\w+:\s*return \"(\w+)\";", text):
                if not re.search(r'forbidden\(\s*"%s"' % m.group(1), text):  # a 403, found above
                    pairs.add((helpers["unauthorized"][0], m.group(1)))
    return pairs


def admin_routes():
    """{(path, METHOD)} that src/admin registers: `add(verb::X, "/path"`, the session's
    `routes.add(verb::X, "/path"` and the monitor's `routes.add(boost::beast::http::verb::X,
    "/path"` (clang-format may break the line after the parenthesis)."""
    routes = set()
    for path in sorted(glob.glob(os.path.join(SRC, "admin", "*.cpp"))):
        for m in re.finditer(r'\badd\(\s*(?:boost::beast::http::)?verb::(\w+),\s*"(/[^"]*)"', read(path)):
            routes.add((m.group(2), m.group(1).rstrip("_").upper()))
    assert {("/api/admin/session", "POST"), ("/api/admin/instances", "GET"), ("/api/admin/monitor", "GET")} <= routes, \
        routes
    return routes


# The admin routes that never answer 403 (none now: the monitor takes any role, but naming
# another customer than the caller's is customer_denied there too).
ADMIN_WITHOUT_FORBIDDEN = set()
# Event streams that the probe sends no credentials, so that they answer 401 at once instead of
# opening a stream.
STREAMS = ("/api/client/workflows/changes", "/api/admin/monitor")
# Probes that name nothing that exists, so a 404 is expected: that the route exists shows in
# the 401 (with this code) it gives a caller without credentials (the admin API's: not_signed_in).
ANONYMOUS_CODE = {("/api/triggers/{id}", "GET"): "missing_key", ("/api/triggers/{id}/runs", "POST"): "missing_key",
                  ("/api/client/workflows", "GET"): "missing_key"}


def path_pattern(template):
    """A documented path ("/api/admin/workflows/{id}") as a regex for a concrete one."""
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{\w+\})", template)) + "$")


def all_source_text():
    parts = []
    for root, _, names in os.walk(SRC):
        parts += [read(os.path.join(root, n)) for n in names if n.endswith((".cpp", ".hpp"))]
    return "\n".join(parts)


# --- the Postman collection -----------------------------------------------------------------

def postman_items(items, prefix=""):
    for item in items:
        if "item" in item:
            yield from postman_items(item["item"], prefix + item["name"] + " / ")
        else:
            yield prefix + item["name"], item


def postman_requests(items):
    for name, item in postman_items(items):
        yield name, item["request"]


def expected_status(item):
    """The status the request's test script asserts (`pm.response.to.have.status(NNN)`)."""
    script = "\n".join(line for event in item.get("event", []) if event["listen"] == "test"
                       for line in event["script"]["exec"])
    statuses = set(re.findall(r"pm\.response\.to\.have\.status\((\d{3})\)", script))
    assert len(statuses) == 1, (item["name"], statuses)
    return int(statuses.pop())


def substitute(text, variables):
    out = re.sub(r"\{\{(\w+)\}\}", lambda m: variables[m.group(1)], text)
    assert "{{" not in out, out
    return out


class ApiDescription(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.openapi = read(OPENAPI)
        cls.collection = json.loads(read(POSTMAN))
        cls.stream_collection = json.loads(read(POSTMAN_STREAM))
        cls.server = Server()
        cls.server.customer("acme")
        cls.key = cls.server.api_key("acme")
        cls.admin_token = cls.server.cli("token", "create", "--customer", "acme", "--admin")
        # The collection's viewer signs in with the password `user add` generates.
        cls.viewer_password = cls.server.cli("user", "add", "postman-viewer", "--customer", "acme", "--role", "viewer")
        cls.server.start()
        cls.server.wait_for_key(cls.key)
        cls.token = cls.server.live_token("acme")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def send(self, method, target, body=None, headers=None):
        return self.server.request(method, target, body=body, headers=headers)

    def assert_problem(self, response, context):
        if response.status < 400 or response.headers.get("content-type") != "application/json":
            return
        problem = response.json()
        self.assertEqual(problem["status"], "error", context)
        self.assertIn(problem["code"], openapi_problem_codes(self.openapi), context)

    # --- openapi.yaml against the server ---

    def request_for(self, path, method):
        """A request for one documented operation that the server answers at once."""
        bearer = {"Authorization": "Bearer " + self.key}
        fields = {"agentId": "1001", "event": "On Ring", "ani": "5551234567"}
        if path.lower() == "/api/sendmessage/crm":
            fields["crmId"] = "crm.example.com"
        if method == "OPTIONS":
            return (re.sub(r"\{\w+\}", "no-such-thing", path), None,
                    {"Origin": "https://crm.example.com", "Access-Control-Request-Method": "POST"})
        if path.startswith("/api/sendmessage/") and method == "GET":
            return path + "?" + urllib.parse.urlencode(fields), None, bearer
        if path.startswith("/api/sendmessage/") and method == "POST":
            return path, json.dumps(fields), {**bearer, "Content-Type": "application/json"}
        if path == "/api/subscribe":
            # An invalid filter: answered with 400 instead of opening a stream.
            return path + "?topic=%23%2B", None, {"Authorization": "Bearer " + self.token}
        if path in STREAMS:
            return path, None, {}
        if path == "/api/triggers/{id}":  # a trigger the customer never sent: 404
            return "/api/triggers/no-such-thing", None, bearer
        if path == "/api/triggers/{id}/runs":
            return ("/api/triggers/no-such-thing/runs", json.dumps({"outcome": "executed"}),
                    {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        if path == "/api/client/workflows":  # an instance the customer does not have: 404
            return path + "?crmId=no-such-thing", None, {"Authorization": "Bearer " + self.token}
        if path.startswith("/api/admin/"):
            return self.admin_request_for(path, method)
        return path, None, {}

    def admin_request_for(self, path, method):
        """An admin request that changes nothing: path parameters name nothing that exists, and
        a body has a member no route takes (a refused write is rolled back)."""
        target = re.sub(r"\{\w+\}", "no-such-thing", path)
        headers = {"Authorization": "Bearer " + self.admin_token}
        if method in ("POST", "PUT", "PATCH"):
            headers["Content-Type"] = "application/json"
            return target, json.dumps({"probe": True}), headers
        return target, None, headers

    def test_openapi_lists_the_expected_operations(self):
        ops = openapi_operations(self.openapi)
        self.assertEqual({p for p, _ in ops}, {"/api/sendmessage/CTI", "/api/sendmessage/CRM", "/api/subscribe",
                                               "/api/triggers/{id}", "/api/triggers/{id}/runs", "/api/client/workflows",
                                               "/api/client/workflows/changes", "/mqtt", "/healthz", "/readyz",
                                               "/metrics"}
                         | {p for p, _ in admin_routes()})
        for path in ("/api/sendmessage/CTI", "/api/sendmessage/CRM"):
            for method in ("GET", "POST", "OPTIONS"):
                self.assertIn((path, method), ops)
        for (path, method), statuses in ops.items():
            self.assertTrue(statuses, f"{method} {path} lists no responses")

    def test_every_openapi_operation_exists_and_answers_as_documented(self):
        for (path, method), statuses in sorted(openapi_operations(self.openapi).items()):
            with self.subTest(path=path, method=method):
                target, body, headers = self.request_for(path, method)
                r = self.send(method, target, body, headers)
                code = ("not_signed_in" if path.startswith("/api/admin/") and path != "/api/admin/session"
                        else ANONYMOUS_CODE.get((path, method)))
                if code:
                    anonymous = self.send(method, target, body, {"Content-Type": "application/json"})
                    self.assertEqual((anonymous.status, anonymous.json()["code"]), (401, code),
                                     f"{method} {path}: {anonymous}")
                else:
                    self.assertNotIn(r.status, (404, 405), f"{method} {path}: {r}")
                self.assertIn(r.status, statuses, f"{method} {path}: undocumented status {r}")
                if method != "HEAD":  # no body to read
                    self.assert_problem(r, f"{method} {path}")

    def test_openapi_has_exactly_the_admin_routes_of_the_sources(self):
        documented = {op for op in openapi_operations(self.openapi) if op[0].startswith("/api/admin/")}
        self.assertEqual(admin_routes() - documented, set(), "routed in src/admin but not in openapi.yaml")
        self.assertEqual(documented - admin_routes(), set(), "in openapi.yaml but not routed by src/admin")

    def test_admin_operations_name_their_security(self):
        """Reads take an admin token or a session; writes an admin token or a session with its
        CSRF header (the session routes themselves excepted)."""
        doc = self.openapi.splitlines()
        for path, method in sorted(admin_routes()):
            if path == "/api/admin/session":
                continue
            with self.subTest(path=path, method=method):
                op = section(section(section(doc, "paths", 0), path, 2), method.lower(), 4)
                security = [line.strip() for line in section(op, "security", 6)]
                expected = ["- adminToken: []", "- consoleSession: []"]
                if method != "GET":
                    expected.append("csrfToken: []")
                self.assertEqual(security, expected)
                self.assertIn("        \"401\":", op)
                if (path, method) in ADMIN_WITHOUT_FORBIDDEN:
                    self.assertNotIn("        \"403\":", op)
                else:
                    self.assertIn("        \"403\":", op)

    def test_trigger_channel_segment_is_case_insensitive(self):
        for path in ("/api/sendmessage/cti", "/api/sendmessage/Crm"):
            with self.subTest(path=path):
                r = self.send("POST", path, json.dumps({"agentId": "1001", "event": "e", "crmId": "c"}),
                              {"Authorization": "Bearer " + self.key, "Content-Type": "application/json"})
                self.assertEqual(r.status, 200, r)

    # --- error codes: openapi.yaml against the sources ---

    def test_problem_code_enum_is_exactly_what_the_sources_produce(self):
        documented = openapi_problem_codes(self.openapi)
        self.assertEqual(len(documented), len(set(documented)), "duplicate codes in ProblemCode")
        produced = {code for _, code in source_codes()}
        self.assertEqual(set(documented) - produced, set(), "documented but never produced by src/http, src/triggers, src/auth")
        self.assertEqual(produced - set(documented), set(), "produced by the sources but missing from openapi.yaml")

    def test_every_documented_code_appears_in_the_sources(self):
        text = all_source_text()
        for code in set(openapi_problem_codes(self.openapi)) | openapi_example_codes(self.openapi):
            with self.subTest(code=code):
                self.assertIn('"' + code + '"', text)

    def test_error_responses_list_each_code_under_its_status(self):
        responses = openapi_error_responses(self.openapi)
        self.assertTrue(responses, "no components/responses with x-status")
        documented = {(status, code) for status, codes in responses.values() for code in codes}
        for name, (status, codes) in responses.items():
            self.assertTrue(codes, f"{name} lists no codes")
        produced = source_codes()
        self.assertEqual(documented - produced, set(), "(status, code) documented but not produced")
        self.assertEqual(produced - documented, set(), "(status, code) produced but not documented")
        self.assertEqual({c for _, c in documented}, set(openapi_problem_codes(self.openapi)))

    def test_example_codes_are_known(self):
        self.assertLessEqual(openapi_example_codes(self.openapi), set(openapi_problem_codes(self.openapi)))

    # --- the Postman collection ---

    def test_postman_collection_is_v2_1_with_its_variables(self):
        info = self.collection["info"]
        self.assertEqual(info["schema"], "https://schema.getpostman.com/json/collection/v2.1.0/collection.json")
        variables = {v["key"]: v["value"] for v in self.collection["variable"]}
        self.assertEqual(variables["baseUrl"], "http://localhost:8080")
        self.assertIn("apiKey", variables)
        self.assertIn("clientToken", variables)
        for name in ("adminToken", "viewerUser", "viewerPassword"):  # the Admin API folder's
            self.assertIn(name, variables)

    def test_postman_seed_crm_body_is_the_seed_byte_for_byte(self):
        requests = dict(postman_requests(self.collection["item"]))
        seed = [r for name, r in requests.items() if "seed body verbatim" in name]
        self.assertEqual(len(seed), 1, list(requests))
        request = seed[0]
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["url"]["raw"], "{{baseUrl}}/api/sendmessage/CRM")
        self.assertEqual(request["body"]["mode"], "raw")
        self.assertEqual(request["body"]["raw"], SEED_CRM_BODY)
        self.assertIn({"key": "Content-Type", "value": "application/json"}, request["header"])

    def test_postman_has_the_expected_requests(self):
        seen = {(r["method"], r["url"]["raw"].split("?")[0]) for _, r in postman_requests(self.collection["item"])}
        for expected in [("POST", "{{baseUrl}}/api/sendmessage/CRM"), ("POST", "{{baseUrl}}/api/sendmessage/CTI"),
                         ("GET", "{{baseUrl}}/api/sendmessage/CRM"), ("HEAD", "{{baseUrl}}/api/subscribe"),
                         ("GET", "{{baseUrl}}/healthz"), ("HEAD", "{{baseUrl}}/healthz"),
                         ("GET", "{{baseUrl}}/readyz"), ("GET", "{{baseUrl}}/metrics"),
                         ("OPTIONS", "{{baseUrl}}/api/sendmessage/CRM")]:
            self.assertIn(expected, seen)
        bodies = [r.get("body", {}).get("mode") for _, r in postman_requests(self.collection["item"])]
        self.assertIn("urlencoded", bodies)
        self.assertTrue(any(r.get("auth", {}).get("type") == "bearer"
                            for _, r in postman_requests(self.collection["item"])))
        # The stream is only in its own collection: a runner would wait on it forever.
        streams = [r for _, r in postman_requests(self.stream_collection["item"])]
        self.assertEqual([(r["method"], r["url"]["raw"].split("?")[0]) for r in streams],
                         [("GET", "{{baseUrl}}/api/subscribe")])
        runnable = {(i["request"]["method"], i["request"]["url"]["raw"].split("?")[0], expected_status(i))
                    for _, i in postman_items(self.collection["item"])}
        self.assertNotIn(("GET", "{{baseUrl}}/api/subscribe", 200), runnable)

    def test_postman_admin_folder_follows_a_new_administrator(self):
        folder = [i for i in self.collection["item"] if i["name"] == "Admin API"]
        self.assertEqual(len(folder), 1)
        steps = [(i["request"]["method"], i["request"]["url"]["raw"].split("?")[0], expected_status(i))
                 for _, i in postman_items(folder[0]["item"])]
        instance = "{{baseUrl}}/api/admin/instances/{{adminCrmId}}"
        path = [("POST", "{{baseUrl}}/api/admin/instances", 201), ("GET", instance + "/events", 200),
                ("POST", instance + "/workflows", 201),
                ("POST", "{{baseUrl}}/api/admin/workflows/{{workflowId}}/versions", 201),
                ("POST", "{{baseUrl}}/api/admin/workflows/{{workflowId}}/publish", 200),
                ("POST", "{{baseUrl}}/api/sendmessage/CRM", 200), ("POST", "{{baseUrl}}/api/admin/keys", 201),
                ("POST", "{{baseUrl}}/api/admin/keys/{{newKeyId}}/revoke", 200),
                ("GET", "{{baseUrl}}/api/admin/audit", 200), ("POST", "{{baseUrl}}/api/admin/session", 200),
                ("POST", instance + "/events", 403), ("DELETE", instance, 204)]
        self.assertEqual(set(path) - set(steps), set(), "steps missing from the folder")
        position = [steps.index(s) for s in path]
        self.assertEqual(position, sorted(position), "the folder's steps are out of order")
        scripts = {i["name"]: "\n".join(e["script"]["exec"]) for _, i in postman_items(folder[0]["item"])
                   for e in i.get("event", []) if e["listen"] == "test"}
        self.assertTrue(any("body.workflow" in s for s in scripts.values()), "no trigger checks `workflow`")
        self.assertTrue(any('didYouMean).to.eql("On Ring")' in s for s in scripts.values()), "no didYouMean check")
        for _, i in postman_items(folder[0]["item"]):
            auth = i["request"].get("auth")
            if i["request"]["url"]["raw"].startswith("{{baseUrl}}/api/admin/") and auth:
                self.assertEqual(auth["bearer"], [{"key": "token", "value": "{{adminToken}}", "type": "string"}])

    def postman_variables(self, collection):
        variables = {v["key"]: v["value"] for v in collection["variable"]}
        # What the pre-request script of the Idempotency-Key request sets.
        variables.update(baseUrl=self.server.base_url, apiKey=self.key, clientToken=self.token,
                         idempotencyKey="api-description-" + str(id(self)), adminToken=self.admin_token,
                         viewerUser="postman-viewer", viewerPassword=self.viewer_password)
        return variables

    @staticmethod
    def capture(item, response, variables):
        """What the request's test script keeps for later requests, as newman would:
        `pm.collectionVariables.set("name", pm.response.json().a.b)`."""
        script = "\n".join(line for event in item.get("event", []) if event["listen"] == "test"
                           for line in event["script"]["exec"])
        for m in re.finditer(r'pm\.collectionVariables\.set\("(\w+)", pm\.response\.json\(\)((?:\.\w+)+)\)', script):
            value = response.json()
            for name in m.group(2).split(".")[1:]:
                value = value[name]
            variables[m.group(1)] = str(value)

    @staticmethod
    def keep_cookie(response, jar):
        """The console session cookie, as newman's cookie jar keeps it (Max-Age=0 clears it)."""
        cookie = response.headers.get("set-cookie", "")
        if m := re.match(r"popflow_session=([^;]*)", cookie):
            if m.group(1) and "Max-Age=0" not in cookie:
                jar["popflow_session"] = m.group(1)
            else:
                jar.pop("popflow_session", None)

    def test_every_postman_request_works_on_the_server(self):
        """Each request answers with the status its own test asserts (newman runs the rest of
        its tests in test_postman.py); the stream collection's request opens a stream."""
        documented_paths = [path_pattern(p) for p, _ in openapi_operations(self.openapi)]
        for collection in (self.collection, self.stream_collection):
            variables = self.postman_variables(collection)
            jar = {}
            for name, item in postman_items(collection["item"]):
                with self.subTest(request=name):
                    request = item["request"]
                    url = request["url"]
                    streams = collection is self.stream_collection
                    expected = 200 if streams else expected_status(item)
                    # The structured URL agrees with the raw one.
                    self.assertEqual(url["host"], ["{{baseUrl}}"])
                    raw_path, _, raw_query = url["raw"][len("{{baseUrl}}"):].partition("?")
                    self.assertEqual("/" + "/".join(url["path"]), raw_path)
                    self.assertEqual("&".join(f"{q['key']}={q['value']}" for q in url.get("query", [])), raw_query)
                    if expected not in (404, 405):  # those show an unknown path or method on purpose
                        self.assertTrue(any(p.match(raw_path) for p in documented_paths),
                                        f"{raw_path} is not in openapi.yaml")

                    split = urllib.parse.urlsplit(substitute(url["raw"], variables))
                    target = split.path + ("?" + split.query if split.query else "")
                    headers = {h["key"]: substitute(h["value"], variables) for h in request["header"]}
                    auth = request.get("auth")
                    if auth and auth["type"] == "bearer":
                        token = {e["key"]: e["value"] for e in auth["bearer"]}["token"]
                        headers["Authorization"] = "Bearer " + substitute(token, variables)
                    body = None
                    if "body" in request:
                        if request["body"]["mode"] == "raw":
                            body = substitute(request["body"]["raw"], variables)
                        else:
                            body = urllib.parse.urlencode([(p["key"], substitute(p["value"], variables))
                                                           for p in request["body"]["urlencoded"]])

                    if streams:
                        self.check_stream_opens(target, headers)
                        continue
                    if jar and split.path.startswith("/api/admin"):  # the cookie's Path
                        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
                    r = self.send(request["method"], target, body, headers)
                    self.assertEqual(r.status, expected, r)
                    self.keep_cookie(r, jar)
                    self.capture(item, r, variables)
                    if "verbatim" in name:
                        # The body (trailing comma and all) is accepted; only the placeholder key is refused.
                        self.assertEqual(r.json()["code"], "malformed_key", r)
                    elif expected == 200 and split.path.startswith("/api/sendmessage/"):
                        self.assertEqual(r.json()["status"], "ok", r)

    def check_stream_opens(self, target, headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        try:
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            body = "" if resp.status == 200 else resp.read().decode()
            self.assertEqual(resp.status, 200, body)
            self.assertEqual(resp.getheader("Content-Type"), "text/event-stream")
            self.assertTrue(resp.fp.readline().startswith(b": subscribed"))
            resp.close()
        finally:
            conn.close()

    # --- the line-based reading against a real YAML parser, when one is installed ---

    def test_line_based_reading_agrees_with_a_yaml_parser(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("PyYAML (python3-yaml) is not installed; the line-based checks above still ran")
        doc = yaml.safe_load(self.openapi)
        self.assertEqual(doc["openapi"], "3.0.3")
        parsed = {(path, method.upper()): {int(s) for s in op["responses"]}
                  for path, item in doc["paths"].items() for method, op in item.items() if method in METHODS}
        self.assertEqual(parsed, openapi_operations(self.openapi))
        self.assertEqual(doc["components"]["schemas"]["ProblemCode"]["enum"], openapi_problem_codes(self.openapi))
        responses = {}
        for name, response in doc["components"]["responses"].items():
            if "x-status" in response:
                schema = response["content"]["application/json"]["schema"]
                codes = [c for part in schema["allOf"] for c in part.get("properties", {}).get("code", {}).get("enum", [])]
                responses[name] = (response["x-status"], codes)
        self.assertEqual(responses, openapi_error_responses(self.openapi))
        for name, (status, codes) in responses.items():
            for example in _examples(doc["components"]["responses"][name]):
                self.assertIn(example["code"], codes, name)
        # Every $ref points at something that exists.
        for ref in re.findall(r"\$ref: '#/([^']+)'", self.openapi):
            node = doc
            for part in ref.split("/"):
                self.assertIn(part, node, ref)
                node = node[part]


def _examples(response):
    media = response["content"]["application/json"]
    if "example" in media:
        yield media["example"]
    for example in media.get("examples", {}).values():
        yield example["value"]


if __name__ == "__main__":
    unittest.main()
