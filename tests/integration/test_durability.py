"""Durability (issue #5): persistent sessions, their subscriptions, their queued and in-flight
QoS 1 messages, and retained messages survive a restart and a kill -9. A trigger's 200 means
the message is on disk for every persistent session it was queued for, so the server is
killed right after the last answer."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import unittest

from harness import Server, wait_until
from mqtt_clients import Mqtt, RawMqtt, metric, mosquitto_sub, wait_subscribed


class Durability(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="popflow-durable-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.server = self.new_server()
        self.server.customer("acme")
        self.key = self.server.api_key("acme")
        self.token = self.server.client_token("acme")

    def new_server(self, *args):
        server = Server("--rate-limit", "0", *args, data_dir=self.data_dir)
        self.addCleanup(server.stop, signal.SIGKILL)
        return server

    def restart(self, sig, *args):
        """Stops the server with `sig` and starts a new process on the same data dir."""
        code = self.server.stop(sig)
        if sig == signal.SIGTERM:
            self.assertEqual(code, 0, self.server.log_text())
        self.server = self.new_server(*args).start()
        return self.server

    def trigger(self, agent, **data):
        response = self.server.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": self.key,
                                                                  "event": "On Ring", **data})
        self.assertEqual(response.status, 200, response)
        return response.json()

    def offline_subscriber(self, client_id, topic):
        """A 5.0 client with a one-hour session that subscribes and leaves."""
        client = Mqtt(self.server, self.token, client_id=client_id, clean=False, session_expiry=3600)
        self.assertEqual(client.subscribe(topic, qos=1), [1])
        client.disconnect()

    def test_queued_triggers_survive_kill_9(self):
        self.server.start()
        self.offline_subscriber("agent-1001", "CTI/acme/1001")
        answers = [self.trigger("1001", seq=i) for i in range(20)]
        self.assertTrue(all(a["delivered"] == 1 for a in answers), answers)
        self.restart(signal.SIGKILL)

        client = Mqtt(self.server, self.token, client_id="agent-1001", clean=False, session_expiry=3600)
        self.assertTrue(client.flags["session present"])
        received = [json.loads(client.next_message().payload) for _ in answers]
        self.assertEqual([m["id"] for m in received], [a["id"] for a in answers])
        self.assertEqual([m["data"]["seq"] for m in received], list(range(20)))
        client.no_message()
        client.disconnect()

    def test_subscription_survives_and_queues_triggers_sent_after_the_restart(self):
        self.server.start()
        # 3.1.1 persistent session, as mosquitto_sub -c makes it.
        sub = mosquitto_sub(self.server, self.token, "CTI/acme/2002", count=1,
                            extra=["-c", "-i", "agent-2002"])
        self.assertTrue(wait_subscribed(self.server, 0))
        self.trigger("2002", case="warm-up")
        self.assertIn("warm-up", sub.communicate(timeout=15)[0])
        self.restart(signal.SIGTERM)

        # Nobody connected, nobody re-subscribed: the restored subscription takes it.
        answer = self.trigger("2002", case="after-restart")
        self.assertEqual(answer["delivered"], 1, answer)
        self.restart(signal.SIGKILL)
        out, err = mosquitto_sub(self.server, self.token, "CTI/acme/2002", count=1,
                                 extra=["-c", "-i", "agent-2002"]).communicate(timeout=15)
        self.assertIn("after-restart", out, err)

    def test_unacknowledged_message_is_sent_again_with_dup_after_kill_9(self):
        self.server.start()
        raw = RawMqtt(self.server.mqtt_port, "agent-3003", clean=False, password=self.token)
        self.assertEqual(raw.subscribe("CTI/acme/3003"), [1])
        answer = self.trigger("3003")
        first = raw.read_publish()
        self.assertFalse(first["dup"])
        # No PUBACK: the message is in flight when the server dies.
        self.restart(signal.SIGKILL)
        raw.close()

        again = RawMqtt(self.server.mqtt_port, "agent-3003", clean=False, password=self.token)
        self.assertEqual(again.session_present, 1)
        resent = again.read_publish()
        self.assertTrue(resent["dup"])
        self.assertEqual(resent["packet_id"], first["packet_id"])
        self.assertEqual(json.loads(resent["payload"])["id"], answer["id"])
        again.puback(resent["packet_id"])
        again.ping()  # the PUBACK is handled ...
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_journal_backlog") == 0))
        again.close()  # ... and written: acknowledged means gone for good, even after a crash
        self.restart(signal.SIGKILL)
        client = Mqtt(self.server, self.token, client_id="agent-3003", version=4, clean=False)
        client.no_message(wait=1)
        client.disconnect()

    def test_retained_message_survives_kill_9(self):
        self.server.args.append("--mqtt-allow-anonymous")
        self.server.start()
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.server.mqtt_port), "-q", "1", "-r",
                        "-t", "lobby/status", "-m", "open"], check=True, timeout=10)
        self.restart(signal.SIGKILL, "--mqtt-allow-anonymous")
        out, err = mosquitto_sub(self.server, None, "lobby/status", count=1).communicate(timeout=15)
        self.assertEqual(out.strip(), "lobby/status open", err)

    def offline_subscriber_on_a_broken_store(self, client_id, topic):
        """A running server with an offline persistent session, and a store whose next commit fails."""
        self.server.start()
        self.offline_subscriber(client_id, topic)
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_journal_backlog") == 0))
        db = sqlite3.connect(os.path.join(self.data_dir, "popflow.db"))
        db.execute("DROP TABLE mqtt_queued")
        db.commit()
        db.close()

    def test_a_trigger_the_store_cannot_write_is_answered_503_not_stored(self):
        self.offline_subscriber_on_a_broken_store("agent-5005", "CTI/acme/5005")
        response = self.server.post_json("/api/sendmessage/CTI",
                                         {"agentId": "5005", "jwt": self.key, "event": "On Ring"})
        self.assertEqual(response.status, 503, response)
        self.assertEqual(response.json()["code"], "not_stored")
        self.assertEqual(response.headers.get("retry-after"), "1")
        self.assertEqual(metric(self.server, "popflow_journal_failures_total"), 1)
        self.assertNotIn(self.key, self.server.log_text())

    def keyed_trigger(self, agent, key):
        return self.server.post_json("/api/sendmessage/CTI", {"agentId": agent, "jwt": self.key, "event": "On Ring"},
                                     headers={"Idempotency-Key": key})

    def test_a_trigger_answered_not_stored_is_never_replayed_as_200(self):
        """Issue 10, item 4: the idempotency store kept the 200 it rendered before the commit
        failed, so the retry was told 200 Idempotent-Replayed for a trigger never stored."""
        self.offline_subscriber_on_a_broken_store("agent-5005", "CTI/acme/5005")
        first = self.keyed_trigger("5005", "call-42")
        self.assertEqual(first.json()["code"], "not_stored", first)
        retry = self.keyed_trigger("5005", "call-42")
        self.assertIsNone(retry.headers.get("idempotent-replayed"), retry)
        self.assertEqual(retry.status, 503, retry)  # handled afresh: the store is still broken
        self.assertEqual(retry.json()["code"], "not_stored")

    def test_a_retry_while_the_first_waits_for_the_store_is_not_answered_200(self):
        """The retry arrives while the first request waits for its commit: 409, not a 200
        for what is not on disk yet; once the first is answered 200, retries replay it."""
        self.server.start()
        self.offline_subscriber("agent-6006", "CTI/acme/6006")
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_journal_backlog") == 0))
        # Hold the store's write lock: the journal's next commit waits for it.
        db = sqlite3.connect(os.path.join(self.data_dir, "popflow.db"), isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        answers = []
        first = threading.Thread(target=lambda: answers.append(self.keyed_trigger("6006", "call-7")))
        first.start()
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_journal_backlog") > 0))
        retry = self.keyed_trigger("6006", "call-7")
        self.assertEqual(retry.status, 409, retry)
        self.assertEqual(retry.json()["code"], "idempotency_conflict")
        self.assertFalse(answers, "the first was answered before its commit")
        db.execute("COMMIT")
        db.close()
        first.join(10)
        self.assertEqual(answers[0].status, 200, answers[0])
        replay = self.keyed_trigger("6006", "call-7")
        self.assertEqual(replay.status, 200)
        self.assertEqual(replay.headers.get("idempotent-replayed"), "true")
        self.assertEqual(replay.json()["id"], answers[0].json()["id"])

    def test_clean_sessions_and_durability_off_keep_nothing(self):
        self.server.args += ["--durability=false"]
        self.server.start()
        self.offline_subscriber("agent-4004", "CTI/acme/4004")
        self.trigger("4004")
        self.restart(signal.SIGTERM)  # back with durability on: nothing was written
        client = Mqtt(self.server, self.token, client_id="agent-4004", clean=False, session_expiry=3600)
        self.assertFalse(client.flags["session present"])
        client.no_message()
        client.disconnect()


if __name__ == "__main__":
    unittest.main()
