"""The embedded MQTT broker, driven by clients nobody here wrote (mosquitto_sub/pub, paho).

Named by feature, like mosquitto's own tests: triggers to subscribers, QoS, retained,
wills, sessions, keep-alive, takeover, shared subscriptions, tenant ACL, anonymous mode.
"""
import json
import time
import unittest

from harness import Server, ServerTest, wait_until
from mqtt_clients import Mqtt, RawMqtt, metric, mosquitto_sub, subscriptions, wait_subscribed
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

CTI = "/api/sendmessage/CTI"


class TriggersToSubscribers(ServerTest):
    def trigger(self, agent, **fields):
        r = self.server.post_json(CTI, {"jwt": self.key, "agentId": agent, "event": "On Ring", **fields})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_mosquitto_sub_both_versions(self):
        token = self.server.live_token("acme")
        before = subscriptions(self.server)
        for version in ["mqttv311", "mqttv5"]:
            # The previous round's subscriber is gone only once the server has seen its DISCONNECT.
            self.assertTrue(wait_until(lambda: subscriptions(self.server) == before), "old subscriber still counted")
            sub = mosquitto_sub(self.server, token, "CTI/acme/1001", "CTI/acme/+/1001", version=version)
            self.assertTrue(wait_subscribed(self.server, before + 1), sub.stderr.read() if sub.poll() else "")
            answer = self.trigger("1001", ctiId="env-1", ani="5551234567")
            out, err = sub.communicate(timeout=10)
            self.assertEqual(sub.returncode, 0, err)
            topic, payload = out.strip().split(" ", 1)
            self.assertEqual(topic, "CTI/acme/env-1/1001")
            message = json.loads(payload)
            self.assertEqual(message["id"], answer["id"])
            self.assertEqual(message["data"], {"ani": "5551234567"})
            self.assertNotIn(self.key, payload)

    def test_paho_tcp_and_websocket_both_versions(self):
        token = self.server.live_token("acme")
        for version in (4, 5):
            for transport in ("tcp", "websockets"):
                client = Mqtt(self.server, token, version=version, transport=transport)
                self.assertTrue(client.accepted, (version, transport, client.rc))
                self.assertEqual(client.subscribe("CTI/acme/2002", qos=1), [1])
                answer = self.trigger("2002")
                self.assertEqual(answer["delivered"], 1)
                msg = client.next_message()
                self.assertEqual(msg.qos, 1, "triggers are published at QoS 1")
                self.assertEqual(json.loads(msg.payload)["id"], answer["id"])
                client.disconnect()

    def test_trigger_carries_message_expiry_on_5(self):
        client = Mqtt(self.server, self.server.live_token("acme"))
        client.subscribe("CTI/acme/3003")
        self.trigger("3003")
        msg = client.next_message()
        self.assertTrue(0 < msg.properties.MessageExpiryInterval <= 60)
        client.disconnect()


class Sessions(ServerTest):
    extra_args = ("--trigger-expiry", "2s")

    def trigger(self, agent):
        return self.server.post_json(CTI, {"jwt": self.key, "agentId": agent, "event": "On Ring"}).json()

    def test_offline_queue_is_delivered_on_reconnect_311(self):
        token = self.server.live_token("acme")
        client = Mqtt(self.server, token, client_id="agent-4004", version=4, clean=False)
        client.subscribe("CTI/acme/4004")
        client.disconnect()
        ids = [self.trigger("4004")["id"] for _ in range(3)]
        self.assertEqual(self.trigger("4004")["delivered"], 1, "an offline persistent session counts")
        back = Mqtt(self.server, token, client_id="agent-4004", version=4, clean=False)
        self.assertEqual(back.flags["session present"], 1)
        got = [json.loads(back.next_message().payload)["id"] for _ in range(4)]
        self.assertEqual(got[:3], ids)
        back.disconnect()

    def test_offline_queue_with_session_expiry_5(self):
        token = self.server.live_token("acme")
        client = Mqtt(self.server, token, client_id="agent-5005", session_expiry=300)
        client.subscribe("CTI/acme/5005")
        client.kill()
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_mqtt_connections") == 0))
        sent = self.trigger("5005")
        back = Mqtt(self.server, token, client_id="agent-5005", session_expiry=300, clean=False)
        self.assertTrue(back.flags["session present"])
        self.assertEqual(json.loads(back.next_message().payload)["id"], sent["id"])
        back.disconnect()

    def test_session_without_expiry_ends_at_disconnect_5(self):
        token = self.server.live_token("acme")
        client = Mqtt(self.server, token, client_id="agent-6006")
        client.subscribe("CTI/acme/6006")
        client.disconnect()
        self.assertTrue(wait_until(lambda: self.trigger("6006")["delivered"] == 0))
        back = Mqtt(self.server, token, client_id="agent-6006", clean=False)
        self.assertFalse(back.flags["session present"])
        back.disconnect()

    def test_stale_screen_pop_expires_while_offline(self):
        token = self.server.live_token("acme")
        client = Mqtt(self.server, token, client_id="agent-7007", session_expiry=300)
        client.subscribe("CTI/acme/7007")
        client.disconnect()
        # Until the server has seen the DISCONNECT, the trigger would go out on the old connection and, in
        # flight, be redelivered on reconnect however old it is (MQTT 5 3.3.2.3.3 drops only undelivered copies).
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_mqtt_connections") == 0))
        expired_before = metric(self.server, 'popflow_mqtt_dropped_total{reason="expired"}')
        self.trigger("7007")
        time.sleep(2.5)
        back = Mqtt(self.server, token, client_id="agent-7007", session_expiry=300, clean=False)
        back.no_message(1.0)
        self.assertEqual(metric(self.server, 'popflow_mqtt_dropped_total{reason="expired"}'), expired_before + 1)
        back.disconnect()

    def test_unacknowledged_message_is_redelivered_with_dup(self):
        token = self.server.live_token("acme")
        raw = RawMqtt(self.server.mqtt_port, "agent-8008", clean=False, password=token)
        self.assertEqual(raw.subscribe("CTI/acme/8008", qos=1), [1])
        sent = self.trigger("8008")
        first = raw.read_publish()
        self.assertFalse(first["dup"])
        raw.close()  # no PUBACK
        raw = RawMqtt(self.server.mqtt_port, "agent-8008", clean=False, password=token)
        self.assertEqual(raw.session_present, 1)
        again = raw.read_publish()
        self.assertTrue(again["dup"])
        self.assertEqual(again["packet_id"], first["packet_id"])
        self.assertEqual(json.loads(again["payload"])["id"], sent["id"])
        raw.puback(again["packet_id"])
        raw.close()

    def test_takeover_closes_the_old_connection(self):
        token = self.server.live_token("acme")
        old = Mqtt(self.server, token, client_id="agent-9009", session_expiry=60)
        old.subscribe("CTI/acme/9009")
        new = Mqtt(self.server, token, client_id="agent-9009", session_expiry=60, clean=False)
        self.assertEqual(old.disconnected(), 0x8E)  # session taken over
        self.assertTrue(new.flags["session present"])
        self.assertEqual(self.trigger("9009")["delivered"], 1)
        new.next_message()
        new.disconnect()

    def test_client_ids_are_scoped_by_customer(self):
        self.server.customer("beta")
        acme = Mqtt(self.server, self.server.live_token("acme"), client_id="shared-id")
        beta = Mqtt(self.server, self.server.live_token("beta"), client_id="shared-id")
        with self.assertRaises(Exception):
            acme.disconnected(timeout=0.5)  # not taken over by another customer's client
        acme.disconnect()
        beta.disconnect()

    def test_keep_alive_timeout(self):
        raw = RawMqtt(self.server.mqtt_port, "silent", keepalive=1, password=self.server.live_token("acme"))
        start = time.monotonic()
        self.assertTrue(raw.closed_within(4))
        self.assertGreaterEqual(time.monotonic() - start, 1.0)

    def test_zero_length_client_ids(self):
        token = self.server.live_token("acme")
        ok = Mqtt(self.server, token, client_id="", version=4, clean=True)
        self.assertTrue(ok.accepted)
        ok.disconnect()
        # paho will not even send this one: an empty id with a persistent session.
        refused = RawMqtt(self.server.mqtt_port, "", clean=False, password=token)
        self.assertEqual(refused.return_code, 2)  # identifier rejected
        self.assertTrue(refused.closed_within(2))
        assigned = Mqtt(self.server, token, client_id="")
        self.assertTrue(assigned.connack_props.AssignedClientIdentifier)
        assigned.disconnect()


class TenantAcl(ServerTest):
    def test_other_customers_filters_are_refused_in_suback(self):
        self.server.customer("beta")
        token = self.server.live_token("beta")
        for version, refused in ((4, 128), (5, 0x87)):
            client = Mqtt(self.server, token, version=version)
            granted = client.subscribe("CTI/acme/#")
            self.assertEqual(granted, [refused])
            self.assertEqual(client.subscribe("CTI/beta/+/1001"), [1])
            client.disconnect()

    def test_agent_limited_token(self):
        token = self.server.live_token("acme", "--agent", "1001")
        client = Mqtt(self.server, token)
        self.assertEqual(client.subscribe("CTI/acme/#"), [0x87])
        self.assertEqual(client.subscribe("CTI/acme/+/1001"), [1])
        client.disconnect()

    def test_clients_may_not_publish_into_tenant_topics(self):
        token = self.server.live_token("acme")
        listener = Mqtt(self.server, token)
        listener.subscribe("CTI/acme/1001")
        for version in (4, 5):
            client = Mqtt(self.server, token, version=version)
            client.publish("CTI/acme/1001", b'{"event":"fake"}', qos=1)
            client.disconnect()
        listener.no_message()
        self.assertGreaterEqual(metric(self.server, 'popflow_mqtt_denied_total{what="publish"}'), 2)
        listener.disconnect()

    def test_api_key_and_bad_tokens_are_refused_at_connect(self):
        for version, expect in ((4, 5), (5, 0x87)):
            self.assertEqual(Mqtt(self.server, self.key, version=version).rc, expect)  # wrong kind
        for version, expect in ((4, 4), (5, 0x86)):
            self.assertEqual(Mqtt(self.server, "not-a-token", version=version).rc, expect)

    def test_anonymous_is_off_by_default(self):
        self.assertEqual(Mqtt(self.server, None, version=4).rc, 5)
        self.assertEqual(Mqtt(self.server, None, version=5).rc, 0x87)

    def test_revoked_token_connection_is_closed(self):
        token = self.server.live_token("acme", "--label", "to-revoke")
        client = Mqtt(self.server, token)
        rows = [line.split() for line in self.server.cli("key", "list").splitlines()[1:]]
        key_id = next(row[0] for row in rows if row[-1] == "to-revoke")
        self.server.cli("key", "revoke", key_id)
        self.assertEqual(client.disconnected(timeout=4), 0x87)


class PlainBroker(ServerTest):
    """--mqtt-allow-anonymous: a plain broker outside CTI/ and CRM/."""

    extra_args = ("--mqtt-allow-anonymous", "--mqtt-max-packet-bytes", "4096")

    def test_anonymous_cannot_see_tenant_topics(self):
        anon = Mqtt(self.server, None)
        self.assertEqual(anon.subscribe("CTI/acme/#"), [0x87])
        self.assertEqual(anon.subscribe("#"), [1])
        r = self.server.post_json(CTI, {"jwt": self.key, "agentId": "1", "event": "e"})
        self.assertEqual(r.json()["delivered"], 0)
        anon.no_message()
        anon.disconnect()

    def test_qos_2_end_to_end(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("jobs/q2", qos=2)
        pub = Mqtt(self.server, None, version=4)
        pub.publish("jobs/q2", b"exactly once", qos=2)
        msg = sub.next_message()
        self.assertEqual((msg.payload, msg.qos), (b"exactly once", 2))
        sub.no_message()
        pub.disconnect()
        sub.disconnect()

    def test_retained_messages(self):
        pub = Mqtt(self.server, None)
        pub.publish("status/agent-7", b"available", qos=1, retain=True)
        late = Mqtt(self.server, None, version=4)
        late.subscribe("status/+")
        msg = late.next_message()
        self.assertEqual((msg.payload, msg.retain), (b"available", 1))
        pub.publish("status/agent-7", b"", qos=1, retain=True)  # clears it
        later = Mqtt(self.server, None)
        later.subscribe("status/#")
        later.no_message()
        for c in (pub, late, later):
            c.disconnect()

    def test_will_on_abrupt_disconnect_not_on_normal(self):
        watcher = Mqtt(self.server, None)
        watcher.subscribe("wills/#")
        crashing = Mqtt(self.server, None, version=4, will=("wills/a", b"gone", 1, False))
        crashing.kill()
        msg = watcher.next_message()
        self.assertEqual((msg.topic, msg.payload), ("wills/a", b"gone"))
        polite = Mqtt(self.server, None, will=("wills/b", b"gone", 1, False))
        polite.disconnect()
        watcher.no_message()
        watcher.disconnect()

    def test_will_delay(self):
        watcher = Mqtt(self.server, None)
        watcher.subscribe("wills/delayed")
        crashing = Mqtt(self.server, None, client_id="delayed", session_expiry=60,
                        will=("wills/delayed", b"late", 1, False, 2))
        crashing.kill()
        watcher.no_message(1.0)
        self.assertEqual(watcher.next_message(timeout=4).payload, b"late")
        watcher.disconnect()

    def test_shared_subscription_load_balancing(self):
        members = [Mqtt(self.server, None) for _ in range(2)]
        for m in members:
            self.assertEqual(m.subscribe("$share/workers/jobs/#"), [1])
        pub = Mqtt(self.server, None)
        for i in range(10):
            pub.publish(f"jobs/{i}", b"x", qos=1)
        counts = []
        for m in members:
            n = 0
            while True:
                try:
                    m.next_message(timeout=0.5)
                    n += 1
                except Exception:
                    break
            counts.append(n)
        self.assertEqual(sum(counts), 10)
        self.assertTrue(all(c > 0 for c in counts), counts)
        for c in members + [pub]:
            c.disconnect()

    def test_overlapping_subscriptions_deliver_once(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("a/#", qos=0)
        sub.subscribe("a/+", qos=1)
        Mqtt(self.server, None).publish("a/b", b"one", qos=1)
        msg = sub.next_message()
        self.assertEqual(msg.qos, 1, "the highest granted QoS")
        sub.no_message()

    def test_dollar_topics_are_not_matched_by_wildcards(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("#")
        dollar = Mqtt(self.server, None)
        dollar.subscribe("$internal/#")
        Mqtt(self.server, None).publish("$internal/x", b"d", qos=1)
        self.assertEqual(dollar.next_message().topic, "$internal/x")
        sub.no_message()

    def test_unsubscribe(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("u/x")
        sub.unsubscribe("u/x")
        Mqtt(self.server, None).publish("u/x", b"no", qos=1)
        sub.no_message()

    def test_topic_alias(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("alias/topic")
        pub = Mqtt(self.server, None)
        props = Properties(PacketTypes.PUBLISH)
        props.TopicAlias = 1
        pub.publish("alias/topic", b"first", qos=1, properties=props)
        pub.publish("", b"second", qos=1, properties=props)
        self.assertEqual([sub.next_message().payload for _ in range(2)], [b"first", b"second"])

    def test_user_properties_pass_through(self):
        sub = Mqtt(self.server, None)
        sub.subscribe("props/x")
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = ("case", "42")
        props.ContentType = "application/json"
        Mqtt(self.server, None).publish("props/x", b"{}", qos=1, properties=props)
        got = sub.next_message().properties
        self.assertEqual(got.UserProperty, [("case", "42")])
        self.assertEqual(got.ContentType, "application/json")

    def test_packet_over_the_limit_disconnects(self):
        client = Mqtt(self.server, None)
        client.publish("big/x", b"x" * 5000, qos=0)
        self.assertEqual(client.disconnected(), 0x95)  # packet too large


class Limits(ServerTest):
    extra_args = ("--mqtt-allow-anonymous", "--mqtt-max-queued", "5", "--mqtt-max-unsent-bytes", "65536",
                  "--mqtt-max-inflight", "3")

    def test_offline_queue_is_bounded_and_drops_are_counted(self):
        sub = Mqtt(self.server, None, client_id="bounded", session_expiry=60)
        sub.subscribe("q/x", qos=1)
        sub.disconnect()
        before = metric(self.server, 'popflow_mqtt_dropped_total{reason="queue_full"}')
        pub = Mqtt(self.server, None)
        for i in range(8):
            pub.publish("q/x", str(i).encode(), qos=1)
        self.assertEqual(metric(self.server, 'popflow_mqtt_dropped_total{reason="queue_full"}'), before + 3)
        back = Mqtt(self.server, None, client_id="bounded", session_expiry=60, clean=False)
        got = [back.next_message().payload for _ in range(5)]
        self.assertEqual(got, [b"0", b"1", b"2", b"3", b"4"], "the oldest are kept, in order")
        back.no_message()
        back.disconnect()

    def test_receive_maximum_is_announced_and_respected(self):
        client = Mqtt(self.server, None)
        self.assertEqual(client.connack_props.ReceiveMaximum, 3)
        client.disconnect()
        raw = RawMqtt(self.server.mqtt_port, "window", clean=True)
        raw.subscribe("w/x", qos=1)
        pub = Mqtt(self.server, None)
        for i in range(5):
            pub.publish("w/x", str(i).encode(), qos=1)
        first = [raw.read_publish() for _ in range(3)]
        raw.sock.settimeout(0.5)
        with self.assertRaises(OSError):
            raw.read_publish()  # the window is full until something is acknowledged
        raw.sock.settimeout(5)
        raw.puback(first[0]["packet_id"])
        self.assertEqual(raw.read_publish()["payload"], b"3")
        raw.close()

    def test_slow_consumer_is_disconnected(self):
        raw = RawMqtt(self.server.mqtt_port, "slow", clean=True)
        raw.subscribe("flood/x", qos=0)
        before = metric(self.server, "popflow_mqtt_slow_consumers_total")
        pub = Mqtt(self.server, None, version=4)
        chunk = b"x" * 60000
        for _ in range(400):  # 24 MB the subscriber never reads
            pub.publish("flood/x", chunk, qos=0)
            if metric(self.server, "popflow_mqtt_slow_consumers_total") > before:
                break
        self.assertTrue(wait_until(lambda: metric(self.server, "popflow_mqtt_slow_consumers_total") == before + 1))
        self.assertEqual(self.server.request("GET", "/healthz").status, 200)
        raw.close()
        pub.disconnect()


if __name__ == "__main__":
    unittest.main()
