"""Keeps docs/openapi.yaml and the Postman collection true to the server and its sources.

- Every operation in openapi.yaml exists on the real server (not 404/405) and answers with a
  status that the document lists for it.
- Every request of the Postman collection exists on the real server and answers with the
  status its own pm.test asserts (the seed's verbatim CRM body is accepted and refused only
  for its placeholder key); the stream collection's one request opens a stream. The
  collection's full assertions run under newman in test_postman.py.
- The error codes in openapi.yaml are exactly those the C++ sources produce, each under the
  HTTP status the sources give it.
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

def source_codes():
    """{(status, code)} for every Problem the HTTP layer can answer with."""
    helpers = {}  # helper name -> (status, fixed code or None)
    for m in re.finditer(r"Problem (\w+)\([^)]*\)\s*\{\s*return Problem\{(\d{3}),\s*(?:std::move\(code\)|\"(\w+)\")",
                         read(os.path.join(SRC, "core", "problem.cpp"))):
        helpers[m.group(1)] = (int(m.group(2)), m.group(3))
    assert {"bad_request", "unauthorized", "forbidden", "too_large"} <= helpers.keys(), helpers

    pairs = set()
    files = (sorted(glob.glob(os.path.join(SRC, "http", "*.cpp"))) + sorted(glob.glob(os.path.join(SRC, "net", "*.cpp")))
             + [os.path.join(SRC, "auth", "auth_failure.cpp")])
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
                pairs.add((helpers["unauthorized"][0], m.group(1)))
    return pairs


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
            return path, None, {"Origin": "https://crm.example.com", "Access-Control-Request-Method": "POST"}
        if path.startswith("/api/sendmessage/") and method == "GET":
            return path + "?" + urllib.parse.urlencode(fields), None, bearer
        if path.startswith("/api/sendmessage/") and method == "POST":
            return path, json.dumps(fields), {**bearer, "Content-Type": "application/json"}
        if path == "/api/subscribe":
            # An invalid filter: answered with 400 instead of opening a stream.
            return path + "?topic=%23%2B", None, {"Authorization": "Bearer " + self.token}
        return path, None, {}

    def test_openapi_lists_the_expected_operations(self):
        ops = openapi_operations(self.openapi)
        self.assertEqual({p for p, _ in ops}, {"/api/sendmessage/CTI", "/api/sendmessage/CRM", "/api/subscribe",
                                               "/mqtt", "/healthz", "/readyz", "/metrics"})
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
                self.assertNotIn(r.status, (404, 405), f"{method} {path}: {r}")
                self.assertIn(r.status, statuses, f"{method} {path}: undocumented status {r}")
                if method != "HEAD":  # no body to read
                    self.assert_problem(r, f"{method} {path}")

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
        self.assertEqual(set(documented) - produced, set(), "documented but never produced by src/http, src/auth")
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

    def postman_variables(self, collection):
        variables = {v["key"]: v["value"] for v in collection["variable"]}
        # What the pre-request script of the Idempotency-Key request sets.
        variables.update(baseUrl=self.server.base_url, apiKey=self.key, clientToken=self.token,
                         idempotencyKey="api-description-" + str(id(self)))
        return variables

    def test_every_postman_request_works_on_the_server(self):
        """Each request answers with the status its own test asserts (newman runs the rest of
        its tests in test_postman.py); the stream collection's request opens a stream."""
        documented_paths = {p for p, _ in openapi_operations(self.openapi)}
        for collection in (self.collection, self.stream_collection):
            variables = self.postman_variables(collection)
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
                        self.assertIn(raw_path, documented_paths, "not in openapi.yaml")

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
                    r = self.send(request["method"], target, body, headers)
                    self.assertEqual(r.status, expected, r)
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
