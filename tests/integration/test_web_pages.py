"""The web clients' pages (src/http/web_pages.hpp): every embedded file at its path with its
type, ETag and Content-Security-Policy, HEAD like GET without the body, and the CSP settings
checked at start-up. The browser side is in web/test/e2e/."""
import http.client
import subprocess
import unittest

from harness import BIN, Server


class Pages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--agent-connect-src", "https://crm.example.com,http://127.0.0.1:*",
                            "--agent-frame-ancestors", "https://*.my.salesforce.com").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def fetch(self, method, path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body

    def test_files_with_their_types_and_policy(self):
        for path, content_type in (("/agent/", "text/html; charset=utf-8"),
                                   ("/agent/app.js", "text/javascript; charset=utf-8"),
                                   ("/agent/agent.css", "text/css; charset=utf-8"),
                                   ("/agent/runtime/popflow.js", "text/javascript; charset=utf-8"),
                                   ("/agent/vendor/mqtt.esm.js", "text/javascript; charset=utf-8")):
            response, body = self.fetch("GET", path)
            self.assertEqual(response.status, 200, path)
            self.assertEqual(response.getheader("Content-Type"), content_type, path)
            self.assertGreater(len(body), 100, path)
            policy = response.getheader("Content-Security-Policy")
            self.assertIn("connect-src 'self' https://crm.example.com http://127.0.0.1:*;", policy)
            self.assertIn("frame-ancestors https://*.my.salesforce.com;", policy)
            self.assertIn("script-src 'self';", policy)
        index, body = self.fetch("GET", "/agent/")
        self.assertIn(b'<script type="module" src="app.js"></script>', body)
        self.assertIsNone(index.getheader("Access-Control-Allow-Origin"), "only the modules are for other origins")
        module, _ = self.fetch("GET", "/agent/runtime/popflow.js")
        self.assertEqual(module.getheader("Access-Control-Allow-Origin"), "*")

    def test_head_is_get_without_the_body_and_etags_revalidate(self):
        get, body = self.fetch("GET", "/agent/app.js")
        head, nothing = self.fetch("HEAD", "/agent/app.js")
        self.assertEqual(head.status, 200)
        self.assertEqual(nothing, b"")
        self.assertEqual(int(head.getheader("Content-Length")), len(body))
        unchanged, empty = self.fetch("GET", "/agent/app.js", {"If-None-Match": get.getheader("ETag")})
        self.assertEqual((unchanged.status, empty), (304, b""))
        changed, _ = self.fetch("GET", "/agent/app.js", {"If-None-Match": '"stale"'})
        self.assertEqual(changed.status, 200)

    def test_unknown_files_and_methods(self):
        self.assertEqual(self.fetch("GET", "/agent/secret.key")[0].status, 404)
        self.assertEqual(self.fetch("GET", "/agent/../data/popflow.db")[0].status, 404)
        self.assertEqual(self.fetch("POST", "/agent/app.js")[0].status, 405)
        moved, _ = self.fetch("GET", "/agent?from=crm")
        self.assertEqual((moved.status, moved.getheader("Location")), (308, "/agent/?from=crm"))


class Settings(unittest.TestCase):
    def test_a_source_that_would_break_the_policy_stops_the_start(self):
        server = Server()
        out = subprocess.run([BIN, "serve", "--data-dir", server.data_dir, "--http", "127.0.0.1:0",
                              "--mqtt", "127.0.0.1:0", "--agent-connect-src", "https: ; script-src *"],
                             capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("agent_connect_src", out.stderr)
        self.assertIn("is not a Content-Security-Policy source", out.stderr)


if __name__ == "__main__":
    unittest.main()
