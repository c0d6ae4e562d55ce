"""The README's promises: `make run`'s pasted lines work, and every setting is documented."""
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
            env = dict(os.environ, POPFLOW_DATA_DIR=data_dir, POPFLOW_HTTP=f"127.0.0.1:{port}")
            demo = subprocess.Popen([os.path.join(ROOT, "scripts/run-demo.sh"), BIN], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                lines = []
                while not any(line.startswith("Serving on") for line in lines):
                    lines.append(demo.stdout.readline())
                sse_line = next(line for line in lines if line.startswith("curl -sN"))
                trigger_line = next(line for line in lines if line.startswith("curl -s http"))
                self.assertEqual(sse_line.count("Bearer ey"), 1)
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
            finally:
                demo.terminate()
                self.assertEqual(demo.wait(15), 0)


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
