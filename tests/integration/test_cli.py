"""The admin commands of CONTRACT "One binary": output, errors and exit status."""
import os
import stat
import subprocess
import tempfile
import unittest

from harness import BIN, Server


class Cli(unittest.TestCase):
    def setUp(self):
        self.server = Server()  # not started: only its data dir and cli()

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def fails(self, *args):
        out = self.server.cli_result(*args)
        self.assertNotEqual(out.returncode, 0, args)
        self.assertEqual(out.stdout, "")
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        return out.stderr

    def test_customer_add_and_list(self):
        self.assertEqual(self.server.cli("customer", "add", "acme", "--name", "Acme Corp"), "acme")
        self.assertEqual(self.server.cli("customer", "add", "beta.co_2-x"), "beta.co_2-x")
        self.assertEqual(self.server.cli("customer", "list").splitlines(), ["acme\tAcme Corp", "beta.co_2-x"])

    def test_customer_errors(self):
        self.server.cli("customer", "add", "acme")
        self.assertIn("acme", self.fails("customer", "add", "acme"))
        self.assertIn("invalid customer ID", self.fails("customer", "add", "a/b"))
        self.fails("customer", "add", "x" * 65)

    def test_key_create_prints_the_key_alone(self):
        self.server.customer("acme")
        key = self.server.cli("key", "create", "--customer", "acme", "--scope", "cti", "--crm-id", "a.example.com",
                              "--crm-id", "b.example.com", "--expires", "90d", "--label", "softphone")
        self.assertEqual(len(key.split(".")), 3)
        self.assertNotIn("\n", key)
        rows = self.server.cli("key", "list").splitlines()
        self.assertTrue(rows[0].startswith("KEY_ID"))
        row = rows[1].split()
        self.assertEqual(row[1:5], ["acme", "api_key", "cti", "a.example.com,b.example.com"])
        self.assertIn("softphone", rows[1])

    def test_key_errors(self):
        self.server.customer("acme")
        self.assertIn("unknown customer", self.fails("key", "create", "--customer", "nobody"))
        self.assertIn("scope", self.fails("key", "create", "--customer", "acme", "--scope", "fax"))
        self.assertIn("--expires", self.fails("key", "create", "--customer", "acme", "--expires", "soon"))
        self.assertIn("unknown key", self.fails("key", "revoke", "k_nope"))
        self.assertIn("unknown key", self.fails("key", "rotate", "k_nope"))
        self.fails("key", "create")  # --customer is required

    def test_revoke_shows_in_list_and_rotate_refuses_revoked(self):
        self.server.customer("acme")
        self.server.api_key("acme")
        key_id = self.server.cli("key", "list").splitlines()[1].split()[0]
        self.server.cli("key", "revoke", key_id)
        revoked_column = self.server.cli("key", "list").splitlines()[1].split()[8]
        self.assertRegex(revoked_column, r"^\d{4}-\d\d-\d\dT")
        self.assertIn("already revoked", self.fails("key", "rotate", key_id))

    def test_key_list_filters_by_customer(self):
        for c in ["acme", "beta"]:
            self.server.customer(c)
            self.server.api_key(c)
        rows = self.server.cli("key", "list", "--customer", "beta").splitlines()[1:]
        self.assertEqual([r.split()[1] for r in rows], ["beta"])

    def test_token_create(self):
        self.server.customer("acme")
        token = self.server.cli("token", "create", "--customer", "acme", "--agent", "1001", "--expires", "12h")
        self.assertEqual(len(token.split(".")), 3)
        row = self.server.cli("key", "list").splitlines()[1].split()
        self.assertEqual(row[2], "client_token")
        self.assertEqual(row[5], "1001")
        self.assertIn("agent", self.fails("token", "create", "--customer", "acme", "--agent", "a/b"))

    def test_secret_is_created_with_mode_0600(self):
        self.server.customer("acme")
        mode = os.stat(os.path.join(self.server.data_dir, "secret.key")).st_mode
        self.assertEqual(stat.S_IMODE(mode), 0o600)

    def test_data_dir_from_environment(self):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, POPFLOW_DATA_DIR=d)
            out = subprocess.run([BIN, "customer", "add", "envco"], capture_output=True, text=True, env=env)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertTrue(os.path.exists(os.path.join(d, "popflow.db")))

    def test_unknown_command_fails(self):
        self.assertNotEqual(self.server.cli_result("frobnicate").returncode, 0)

    def test_unknown_command_is_named(self):
        self.assertIn("unknown command 'bogus'", self.fails("bogus"))
        self.assertIn("unknown command 'key bogus'", self.fails("key", "bogus"))
        self.assertIn("create", self.fails("key", "bogus"))  # and what it could have been

    def test_key_list_of_an_unknown_customer_is_an_error(self):
        self.server.customer("acme")
        self.assertIn("unknown customer 'nosuch'", self.fails("key", "list", "--customer", "nosuch"))

    def test_damaged_store_names_the_file_and_what_to_do(self):
        self.server.customer("acme")
        path = os.path.join(self.server.data_dir, "popflow.db")
        for name in os.listdir(self.server.data_dir):
            if name.startswith("popflow.db-"):  # WAL and shared-memory files of the good store
                os.remove(os.path.join(self.server.data_dir, name))
        with open(path, "wb") as f:
            f.write(b"this is not an SQLite database, just bytes " * 200)
        for args in (("customer", "list"), ("key", "create", "--customer", "acme")):
            reason = self.fails(*args)
            self.assertIn(path, reason)
            self.assertIn("backup", reason)
            self.assertIn("--data-dir", reason)
        # The server says the same, in one line, and does not start.
        out = subprocess.run([BIN, "serve", "--data-dir", self.server.data_dir, "--http", "127.0.0.1:0",
                              "--mqtt", "127.0.0.1:0"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(path, out.stderr.strip().splitlines()[-1])
        self.assertIn("backup", out.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    unittest.main()
