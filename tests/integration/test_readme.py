"""The README's promises: `make run`'s pasted lines work, and every setting is documented."""
import json
import os
import re
import socket
import subprocess
import tempfile
import unittest

from harness import BIN, wait_until

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MakeRunDemo(unittest.TestCase):
    def test_printed_lines_deliver_a_screen_pop(self):
        with tempfile.TemporaryDirectory() as data_dir:
            port = free_port()
            env = dict(os.environ, POPFLOW_DATA_DIR=data_dir, POPFLOW_HTTP=f"127.0.0.1:{port}",
                       POPFLOW_MQTT=f"127.0.0.1:{free_port()}")
            demo = subprocess.Popen([os.path.join(ROOT, "scripts/run-demo.sh"), BIN], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                lines = []
                while not any(line.startswith("Serving") for line in lines):
                    lines.append(demo.stdout.readline())
                sse_line = next(line for line in lines if line.startswith("curl -sN"))
                mqtt_line = next(line for line in lines if line.startswith("mosquitto_sub"))
                trigger_line = next(line for line in lines if line.startswith("curl -s http"))
                self.assertEqual(sse_line.count("Bearer ey"), 1)
                # "Serving" is printed just before the server starts: wait until it answers.
                self.assertTrue(wait_until(lambda: subprocess.run(
                    ["curl", "-sf", f"http://127.0.0.1:{port}/healthz"], capture_output=True).returncode == 0,
                    timeout=10))
                sse = subprocess.Popen(["bash", "-c", sse_line], stdout=subprocess.PIPE, text=True)
                try:
                    # Paste the trigger line until the stream is up and it reports a delivery.
                    answered = wait_until(lambda: '"delivered":1' in subprocess.run(
                        ["bash", "-c", trigger_line], capture_output=True, text=True).stdout, timeout=10)
                    self.assertTrue(answered)
                    data = ""
                    while not data.startswith("data:"):
                        data = sse.stdout.readline()
                    self.assertIn('"event":"On Ring"', data)
                    self.assertIn('"customerId":"demo"', data)
                finally:
                    sse.kill()
                    sse.wait()
                # The MQTT line: mosquitto_sub gets the next pop (-C 1 -W 10: one message, 10 s).
                sub = subprocess.Popen(["bash", "-c", mqtt_line.strip() + " -C 1 -W 10"],
                                       stdout=subprocess.PIPE, text=True)
                try:
                    answered = wait_until(lambda: '"delivered":1' in subprocess.run(
                        ["bash", "-c", trigger_line], capture_output=True, text=True).stdout, timeout=10)
                    self.assertTrue(answered)
                    topic, payload = sub.communicate(timeout=15)[0].strip().split(" ", 1)
                    self.assertEqual(topic, "CTI/demo/1001")
                    self.assertIn('"event":"On Ring"', payload)
                finally:
                    sub.kill()
                    sub.wait()
                # The demo's On Ring workflow is published: the answer names it, agent 1001's
                # client gets it for its profile, and the admin line lists the triggers.
                pasted = lambda line: json.loads(subprocess.run(
                    ["bash", "-c", line], capture_output=True, text=True, check=True).stdout)
                answer = pasted(trigger_line)
                self.assertEqual(answer["workflow"]["name"], "Ring pop", answer)
                self.assertEqual(answer["workflow"]["instance"], "demo.crm.example.com")
                client_line = next(line for line in lines if "/api/client/workflows" in line)
                published = pasted(client_line)
                self.assertEqual(published["profile"], "Tier 1", published)
                self.assertEqual([w["event"] for w in published["workflows"]], ["On Ring"])
                admin_line = next(line for line in lines if "/api/admin/triggers" in line)
                self.assertIn(answer["id"], [t["id"] for t in pasted(admin_line)["triggers"]])
            finally:
                demo.terminate()
                self.assertEqual(demo.wait(15), 0)


class ReadmePythonExample(unittest.TestCase):
    def test_the_paho_example_receives_a_screen_pop(self):
        from harness import Server
        readme = open(os.path.join(ROOT, "README.md")).read()
        code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
        with Server() as server:
            server.customer("acme")
            key = server.api_key("acme")
            token = server.live_token("acme")
            server.wait_for_key(key)
            code = code.replace("TOKEN", repr(token)).replace('"localhost", 1883', f'"127.0.0.1", {server.mqtt_port}')
            example = subprocess.Popen(["/usr/bin/python3", "-u", "-c", code], stdout=subprocess.PIPE, text=True)
            try:
                delivered = wait_until(lambda: server.post_json("/api/sendmessage/CTI", {
                    "jwt": key, "agentId": "1001", "event": "On Ring"}).json()["delivered"] == 1)
                self.assertTrue(delivered)
                topic, payload = example.stdout.readline().split(" ", 1)
                self.assertEqual(topic, "CTI/acme/1001")
                self.assertIn('"event":"On Ring"', payload)
            finally:
                example.kill()
                example.wait()


class ReadmeConfiguration(unittest.TestCase):
    def test_every_setting_is_in_the_readme(self):
        readme = open(os.path.join(ROOT, "README.md")).read()
        help_text = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True).stdout
        flags = re.findall(r"^\s+--([a-z-]+)", help_text, re.M)
        settings = [f.replace("-", "_") for f in flags if f not in ("help", "config")]
        self.assertGreater(len(settings), 15)
        for setting in settings:
            self.assertIn(f"| `{setting}` |", readme, setting)

    def test_readme_has_the_two_commands(self):
        readme = open(os.path.join(ROOT, "README.md")).read()
        self.assertIn("make run", readme)
        self.assertIn("make test", readme)


if __name__ == "__main__":
    unittest.main()
