"""Delivery truth (issue #12, CONTRACT "Delivery truth"): each trigger's timeline says which
sessions it was sent or queued to and what its event resolved to; the agent's client reports
runs with its client token; Popflow-Wait holds the trigger's 200 until the first run; the
history is bounded in count and age.

Real clients only: paho-mqtt sessions (persistent ones online and offline), Server-Sent
Events on http.client, and the admin API to publish the workflow a trigger resolves to."""
import json
import threading
import time
import unittest

from catalog_fixture import Admin, key_id
from harness import Server, Sse, wait_until
from mqtt_clients import Mqtt, metric

CRM = "crm.acme.example"


class TruthTest(unittest.TestCase):
    """A server with customers acme (an instance with "Greet" published to On Ring for all
    profiles) and globex, API keys for both and an admin token for acme."""

    extra_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--rate-limit", "0", *cls.extra_args)
        cls.server.customer("acme")
        cls.server.customer("globex")
        cls.key = cls.server.api_key("acme")
        cls.globex_key = cls.server.api_key("globex")
        cls.server.start()
        cls.admin = Admin(cls.server, "acme")
        cls.admin.instance(CRM)
        cls.workflow = cls.admin.workflow(CRM, "Greet")
        cls.version = cls.admin.publish(cls.workflow["id"])
        # The catalog snapshot is reloaded just after the admin API answers.
        assert wait_until(lambda: "workflow" in cls.send("CTI", {"agentId": "probe", "event": "On Ring"}).json())

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    @classmethod
    def send(cls, channel, fields, key=None, headers=None):
        return cls.server.post_json("/api/sendmessage/" + channel, {"jwt": key or cls.key, **fields}, headers=headers)

    def trigger(self, agent, event="On Ring", headers=None, **data):
        r = self.send("CTI", {"agentId": agent, "event": event, **data}, headers=headers)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def timeline(self, trigger_id, token=None):
        return self.server.request("GET", "/api/triggers/" + trigger_id,
                                   headers={"Authorization": "Bearer " + (token or self.key)})

    def report(self, trigger_id, token, body):
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return self.server.request("POST", f"/api/triggers/{trigger_id}/runs", body=body,
                                   headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})

    def assertProblem(self, r, status, code, field=None):
        self.assertEqual(r.status, status, r)
        problem = r.json()
        self.assertEqual(problem["status"], "error", r)
        self.assertEqual(problem["code"], code, r)
        if field is not None:
            self.assertEqual(problem.get("field"), field, r)
        return problem

    def mqtt(self, token, client_id, agent, persistent=True):
        client = Mqtt(self.server, token, client_id=client_id, clean=not persistent,
                      session_expiry=3600 if persistent else None)
        self.assertTrue(client.accepted)
        self.assertEqual(client.subscribe(f"CTI/acme/{agent}"), [1])
        return client


class Timeline(TruthTest):
    def test_sent_queued_and_sse_deliveries_each_named(self):
        token = self.server.live_token("acme", "--agent", "1001")
        online = self.mqtt(token, "desk-1001", "1001")
        self.addCleanup(online.disconnect)
        offline = self.mqtt(token, "laptop-1001", "1001")
        offline.disconnect()
        sse = Sse(self.server, ["CTI/acme/1001"], token=token)
        self.addCleanup(sse.close)

        answer = self.trigger("1001", ani="5551234567")
        self.assertEqual(answer["delivered"], 3, answer)
        self.assertEqual(json.loads(online.next_message().payload)["id"], answer["id"])
        self.assertEqual(json.loads(sse.next_message()["data"])["id"], answer["id"])

        r = self.timeline(answer["id"])
        self.assertEqual(r.status, 200, r)
        timeline = r.json()
        self.assertEqual(timeline["id"], answer["id"])
        self.assertEqual((timeline["channel"], timeline["agentId"], timeline["event"], timeline["topic"]),
                         ("CTI", "1001", "On Ring", "CTI/acme/1001"))
        self.assertEqual(timeline["delivered"], 3)
        seen = sorted((d["transport"], d["subscriber"], d["state"]) for d in timeline["deliveries"])
        self.assertEqual(seen, [("mqtt", "desk-1001", "sent"), ("mqtt", "laptop-1001", "queued"),
                                ("sse", key_id(token), "sent")])
        for delivery in timeline["deliveries"]:
            self.assertRegex(delivery["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(timeline["message"]["data"], {"ani": "5551234567"})
        self.assertEqual(timeline["runs"], [])
        story = [step["what"] for step in timeline["story"]]
        self.assertEqual(story[:2], ["received", "resolved"])
        self.assertEqual(sorted(story[2:]), ["delivered", "delivered", "queued"])

    def test_resolution_names_the_published_workflow(self):
        answer = self.trigger("2001")
        timeline = self.timeline(answer["id"]).json()
        workflow = timeline["resolution"]["workflow"]
        self.assertEqual(workflow, {"id": self.workflow["id"], "name": "Greet", "version": self.version,
                                    "instance": CRM})
        self.assertEqual(workflow, answer["workflow"])
        resolved = [step for step in timeline["story"] if step["what"] == "resolved"]
        self.assertEqual(resolved[0]["workflow"], workflow)

    def test_no_subscriber_and_an_unresolved_event_tell_the_story(self):
        answer = self.trigger("2002", event="on  ring")
        self.assertEqual(answer["delivered"], 0)
        timeline = self.timeline(answer["id"]).json()
        self.assertEqual(timeline["deliveries"], [])
        self.assertEqual(timeline["delivered"], 0)
        self.assertNotIn("workflow", timeline["resolution"])
        self.assertIn("reason", timeline["resolution"])
        self.assertEqual(timeline["resolution"]["didYouMean"], "On Ring")
        story = [step["what"] for step in timeline["story"]]
        self.assertEqual(story, ["received", "unresolved", "no_subscriber"])
        self.assertEqual(timeline["story"][1]["detail"]["didYouMean"], "On Ring")

    def test_who_may_read_a_timeline(self):
        answer = self.trigger("2003")
        path = "/api/triggers/" + answer["id"]
        self.assertProblem(self.timeline(answer["id"], token=self.globex_key), 404, "not_found")
        client = self.server.live_token("acme")
        self.assertProblem(self.timeline(answer["id"], token=client), 401, "wrong_key_kind")
        self.assertProblem(self.server.request("GET", path), 401, "missing_key")
        r = self.timeline(answer["id"], token=self.admin.token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], answer["id"])
        self.assertProblem(self.timeline("no-such-trigger"), 404, "not_found")


class Runs(TruthTest):
    RUN = {"outcome": "executed", "workflow": "Greet", "version": 1,
           "steps": [{"id": "pop", "type": "show", "branch": "done"}], "durationMs": 42}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_token = cls.server.live_token("acme", "--agent", "1001")
        cls.other_agent = cls.server.live_token("acme", "--agent", "1002")
        cls.customer_wide = cls.server.live_token("acme")
        cls.globex_token = cls.server.live_token("globex")

    def test_the_agents_client_reports_and_the_timeline_shows_it(self):
        trigger = self.trigger("1001")
        r = self.report(trigger["id"], self.agent_token, self.RUN)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["status"], "ok")
        timeline = self.timeline(trigger["id"]).json()
        self.assertEqual(len(timeline["runs"]), 1)
        run = timeline["runs"][0]
        self.assertEqual({k: run[k] for k in self.RUN}, self.RUN)
        self.assertRegex(run["reportedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        runs = [step for step in timeline["story"] if step["what"] == "run"]
        self.assertEqual([step["outcome"] for step in runs], ["executed"])

    def test_another_agents_token_is_denied_and_a_customer_wide_one_may(self):
        trigger = self.trigger("1001")
        self.assertProblem(self.report(trigger["id"], self.other_agent, self.RUN), 403, "agent_denied")
        r = self.report(trigger["id"], self.customer_wide, {"outcome": "duplicate"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual([run["outcome"] for run in self.timeline(trigger["id"]).json()["runs"]], ["duplicate"])

    def test_wrong_credentials(self):
        trigger = self.trigger("1001")
        self.assertProblem(self.report(trigger["id"], self.key, self.RUN), 401, "wrong_key_kind")
        self.assertProblem(self.report(trigger["id"], self.globex_token, self.RUN), 404, "not_found")
        r = self.server.request("POST", f"/api/triggers/{trigger['id']}/runs", body=json.dumps(self.RUN),
                                headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.timeline(trigger["id"]).json()["runs"], [])

    def test_bad_runs_are_refused_naming_the_field(self):
        trigger = self.trigger("1001")
        self.assertProblem(self.report(trigger["id"], self.agent_token, {"outcome": "popped"}),
                           400, "invalid_field", "outcome")
        self.assertProblem(self.report(trigger["id"], self.agent_token, {"workflow": "Greet"}), 400,
                           "missing_field", "outcome")
        self.assertProblem(self.report(trigger["id"], self.agent_token, {"outcome": "executed", "colour": "red"}),
                           400, "unknown_field", "colour")
        too_many = {"outcome": "executed", "steps": [{"id": "s"}] * 501}
        self.assertProblem(self.report(trigger["id"], self.agent_token, too_many), 400, "invalid_field", "steps")
        just_enough = {"outcome": "executed", "steps": [{"id": "s"}] * 500}
        self.assertEqual(self.report(trigger["id"], self.agent_token, just_enough).status, 201)
        huge = {"outcome": "executed", "error": "x" * (64 * 1024)}
        self.assertEqual(self.report(trigger["id"], self.agent_token, huge).status, 413)
        r = self.report(trigger["id"], self.agent_token, "not json")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(len(self.timeline(trigger["id"]).json()["runs"]), 1)

    def test_unknown_trigger(self):
        self.assertProblem(self.report("no-such-trigger", self.agent_token, self.RUN), 404, "not_found")

    def test_a_timeline_keeps_twenty_runs(self):
        executed = 'popflow_workflow_runs_total{outcome="executed"}'
        before = metric(self.server, executed)
        trigger = self.trigger("1001")
        for n in range(20):
            r = self.report(trigger["id"], self.agent_token, {"outcome": "duplicate" if n else "executed"})
            self.assertEqual(r.status, 201, (n, r))
        self.assertProblem(self.report(trigger["id"], self.agent_token, self.RUN), 409, "too_many_runs")
        runs = self.timeline(trigger["id"]).json()["runs"]
        self.assertEqual(len(runs), 20)
        self.assertEqual(runs[0]["outcome"], "executed")
        self.assertEqual(metric(self.server, executed), before + 1, "the refused run was counted")


class Reporter:
    """An agent's client in Python: a paho session that reports a run for every trigger it
    receives, after `delay` seconds (the screen pop's own time)."""

    def __init__(self, test, token, client_id, agent, delay=0.3, persistent=False):
        self.test, self.token, self.delay = test, token, delay
        self.client = test.mqtt(token, client_id, agent, persistent=persistent)
        self.reported = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        test.addCleanup(self.stop)

    def _run(self):
        while not self.stopped.is_set():
            try:
                message = json.loads(self.client.next_message(timeout=0.1).payload)
            except Exception:
                continue
            time.sleep(self.delay)
            r = self.test.report(message["id"], self.token, {"outcome": "executed", "workflow": "Greet"})
            self.reported.append((message["id"], r.status, time.monotonic()))

    def stop(self):
        self.stopped.set()
        self.thread.join(5)
        self.client.disconnect()


class PopflowWait(TruthTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.server.live_token("acme")

    def timed_trigger(self, agent, wait, **headers):
        started = time.monotonic()
        r = self.send("CTI", {"agentId": agent, "event": "On Ring"}, headers={"Popflow-Wait": wait, **headers})
        return r, time.monotonic() - started

    def test_answered_as_soon_as_the_run_is_reported(self):
        reporter = Reporter(self, self.token, "wait-5001", "5001", delay=0.3)
        r, elapsed = self.timed_trigger("5001", "5s")
        self.assertEqual(r.status, 200, r)
        answer = r.json()
        self.assertEqual(answer["run"]["outcome"], "executed", answer)
        self.assertEqual(answer["run"]["workflow"], "Greet")
        self.assertIn("reportedAt", answer["run"])
        self.assertGreaterEqual(elapsed, 0.3)
        self.assertLess(elapsed, 2.0, "the answer waited past the run")
        self.assertEqual(answer["delivered"], 1)
        self.assertNotIn("warnings", answer)
        # The reporter notes its run once its own 201 is back, which may be after the wait's answer.
        self.assertTrue(wait_until(lambda: reporter.reported))
        self.assertEqual([(i, s) for i, s, _ in reporter.reported], [(answer["id"], 201)])

    def test_no_run_in_time_answers_null_with_a_warning(self):
        r, elapsed = self.timed_trigger("5002", "1s")
        self.assertEqual(r.status, 200, r)
        answer = r.json()
        self.assertIsNone(answer["run"])
        self.assertTrue(any("no run was reported" in w for w in answer["warnings"]), answer)
        self.assertGreaterEqual(elapsed, 0.95)
        self.assertLess(elapsed, 3.0)
        # Milliseconds and a bare number of seconds are durations too.
        r, elapsed = self.timed_trigger("5002", "300ms")
        self.assertIsNone(r.json()["run"])
        self.assertLess(elapsed, 2.0)
        r, elapsed = self.timed_trigger("5002", "1")
        self.assertIsNone(r.json()["run"])
        self.assertGreaterEqual(elapsed, 0.95)

    def test_invalid_values_are_refused_before_anything_is_published(self):
        listener = self.mqtt(self.token, "wait-5003", "5003", persistent=False)
        self.addCleanup(listener.disconnect)
        for value in ("0s", "31s", "abc", "-1s", "5 s", "0"):
            r, elapsed = self.timed_trigger("5003", value)
            self.assertProblem(r, 400, "invalid_header", "Popflow-Wait")
            self.assertLess(elapsed, 1.0)
        listener.no_message(0.5)

    def test_most_allowed_wait_is_thirty_seconds(self):
        reporter = Reporter(self, self.token, "wait-5004", "5004", delay=0.1)
        r, elapsed = self.timed_trigger("5004", "30s")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["run"]["outcome"], "executed")
        self.assertLess(elapsed, 2.0)
        self.assertTrue(wait_until(lambda: len(reporter.reported) == 1))

    def test_a_journaled_trigger_for_an_offline_session_still_waits_for_the_run(self):
        offline = self.mqtt(self.token, "offline-5005", "5005", persistent=True)
        offline.disconnect()
        Reporter(self, self.token, "wait-5005", "5005", delay=0.2)
        r, elapsed = self.timed_trigger("5005", "5s")
        self.assertEqual(r.status, 200, r)
        answer = r.json()
        self.assertEqual(answer["delivered"], 2)
        self.assertEqual(answer["run"]["outcome"], "executed", answer)
        self.assertLess(elapsed, 2.0)
        states = sorted(d["state"] for d in self.timeline(answer["id"]).json()["deliveries"])
        self.assertEqual(states, ["queued", "sent"])

    def test_a_retry_with_the_same_idempotency_key_replays_the_waited_answer(self):
        reporter = Reporter(self, self.token, "wait-5006", "5006", delay=0.1)
        r, _ = self.timed_trigger("5006", "5s", **{"Idempotency-Key": "call-5006-a"})
        self.assertEqual(r.status, 200, r)
        first = r.json()
        self.assertEqual(first["run"]["outcome"], "executed")
        retry, elapsed = self.timed_trigger("5006", "5s", **{"Idempotency-Key": "call-5006-a"})
        self.assertEqual(retry.status, 200, retry)
        self.assertEqual(retry.headers.get("idempotent-replayed"), "true")
        self.assertEqual(retry.json(), first)
        self.assertLess(elapsed, 1.0)
        time.sleep(0.3)
        self.assertEqual(len(reporter.reported), 1, "the retry was published again")


    def test_a_retry_during_the_wait_is_told_the_first_is_still_handled(self):
        headers = {"Popflow-Wait": "1s", "Idempotency-Key": "call-5007-a"}
        first = {}
        thread = threading.Thread(target=lambda: first.update(r=self.send(
            "CTI", {"agentId": "5007", "event": "On Ring"}, headers=headers)))
        thread.start()
        time.sleep(0.3)
        self.assertProblem(self.send("CTI", {"agentId": "5007", "event": "On Ring"}, headers=headers),
                           409, "idempotency_conflict")
        thread.join(5)
        self.assertIsNone(first["r"].json()["run"])
        replay = self.send("CTI", {"agentId": "5007", "event": "On Ring"}, headers=headers)
        self.assertEqual(replay.json(), first["r"].json())


class HistoryByCount(TruthTest):
    extra_args = ("--trigger-history-max", "5")

    def test_only_the_newest_five_are_kept(self):
        ids = [self.trigger("7001")["id"] for _ in range(6)]
        self.assertProblem(self.timeline(ids[0]), 404, "not_found")
        for trigger_id in ids[1:]:
            self.assertEqual(self.timeline(trigger_id).status, 200, trigger_id)
        # Reporting a run for a forgotten trigger is a 404 too.
        token = self.server.live_token("acme")
        self.assertProblem(self.report(ids[0], token, {"outcome": "executed"}), 404, "not_found")


class HistoryByAge(TruthTest):
    extra_args = ("--trigger-history", "1s")

    def test_a_trigger_is_forgotten_after_its_time(self):
        trigger_id = self.trigger("7002")["id"]
        self.assertEqual(self.timeline(trigger_id).status, 200)
        started = time.monotonic()
        # Swept once a second: gone within the 1 s kept plus one sweep.
        gone = wait_until(lambda: self.timeline(trigger_id).status == 404, timeout=4)
        self.assertTrue(gone)
        self.assertGreater(time.monotonic() - started, 0.5)
        self.assertLess(time.monotonic() - started, 3.0)


class TimelinesAcrossARestart(unittest.TestCase):
    """A restart (a deploy) keeps each trigger's story: saved on shutdown, restored at start,
    as far as trigger_history (the age bound, 6 s here) still allows."""

    def test_a_restart_keeps_deliveries_and_runs_and_drops_what_aged_out_meanwhile(self):
        args = ("--rate-limit", "0", "--trigger-history", "6s")
        first = Server(*args)
        self.addCleanup(first.stop)
        first.customer("acme")
        key = first.api_key("acme")
        token = first.client_token("acme", "--agent", "1001")
        first.start()
        send = lambda s, agent: s.post_json("/api/sendmessage/CTI", {"jwt": key, "agentId": agent, "event": "On Ring"})
        started = time.monotonic()
        aging = send(first, "1002").json()["id"]
        desk = Mqtt(first, token, client_id="desk-1001")
        self.assertEqual(desk.subscribe("CTI/acme/1001"), [1])
        time.sleep(4.5)
        kept = send(first, "1001").json()["id"]
        r = first.request("POST", f"/api/triggers/{kept}/runs", body=json.dumps({"outcome": "executed"}),
                          headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r)
        desk.disconnect()
        self.assertEqual(first.stop(), 0, first.log_text())
        saved = [e for e in first.logs() if e.get("msg") == "timelines saved"]
        self.assertEqual(saved[0]["triggers"], 2, first.log_text())
        time.sleep(max(0.0, 6.3 - (time.monotonic() - started)))  # the first is older than 6 s now

        second = Server(*args, data_dir=first.data_dir)
        self.addCleanup(second.stop)
        second.start()
        restored = [e for e in second.logs() if e.get("msg") == "timelines restored"]
        self.assertEqual(restored[0]["triggers"], 1, second.log_text())
        auth = {"Authorization": "Bearer " + key}
        timeline = second.request("GET", "/api/triggers/" + kept, headers=auth)
        self.assertEqual(timeline.status, 200, timeline)
        body = timeline.json()
        self.assertEqual([d["subscriber"] for d in body["deliveries"]], ["desk-1001"], body)
        self.assertEqual([run["outcome"] for run in body["runs"]], ["executed"], body)
        self.assertEqual(second.request("GET", "/api/triggers/" + aging, headers=auth).status, 404)


if __name__ == "__main__":
    unittest.main()
