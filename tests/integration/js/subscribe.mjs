// A client app's subscriber, as a CRM page would run it: mqtt.js over WebSocket.
//
//   node subscribe.mjs WS_URL TOKEN TOPIC[,TOPIC...] COUNT PROTOCOL_VERSION TIMEOUT_MS [CLIENT_ID]
//
// Connects with username "agent" and the client token as password, subscribes to every topic
// with QoS 1, and prints JSON lines on stdout:
//   {"connected": {...CONNACK...}}
//   {"subscribed": [granted QoS or reason code per topic, in order], "error": "..."?}
//   {"topic": ..., "payload": <parsed JSON or text>, "qos": ..., "retain": ...}   one per message
//     (5.0 with a Topic Alias: also "topicAlias" and "wireTopic", the topic as it came, empty
//     when the alias stood in for it)
// MQTT_CONNECT_PROPERTIES, when set, is JSON added to CONNECT's properties, e.g.
// {"topicAliasMaximum": 10} to let the server send topic aliases.
// Exit status: 0 after COUNT messages (COUNT 0: right after SUBACK), 2 on a connection or
// protocol error, 3 when TIMEOUT_MS passes first, 64 on bad arguments.
import mqtt from 'mqtt';

const [url, token, topicList, countArg, versionArg, timeoutArg, clientId] = process.argv.slice(2);
if (!url || token === undefined || !topicList || countArg === undefined) {
  process.stderr.write('usage: subscribe.mjs WS_URL TOKEN TOPICS COUNT [4|5] [TIMEOUT_MS] [CLIENT_ID]\n');
  process.exit(64);
}
const topics = topicList.split(',');
const expected = Number(countArg);
const protocolVersion = Number(versionArg || 5);
const timeoutMs = Number(timeoutArg || 10000);

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
let finished = false;
let received = 0;

function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) process.stderr.write(why + '\n');
  clearTimeout(timer);
  // Wait for stdout to drain, then close the connection (DISCONNECT) and exit.
  const exit = () => process.exit(code);
  process.stdout.write('', () => client.end(false, {}, exit));
  setTimeout(exit, 2000).unref();
}

const timer = setTimeout(
  () => finish(3, JSON.stringify({ timeout: timeoutMs, received, expected })),
  timeoutMs,
);

const options = {
  username: 'agent',
  password: token,
  protocolVersion,
  reconnectPeriod: 0, // a test wants the first failure, not retries
  connectTimeout: Math.min(timeoutMs, 10000),
  clean: true,
};
if (clientId) options.clientId = clientId;
if (process.env.MQTT_CONNECT_PROPERTIES) options.properties = JSON.parse(process.env.MQTT_CONNECT_PROPERTIES);

const client = mqtt.connect(url, options);

client.on('connect', (connack) => {
  out({ connected: { sessionPresent: connack.sessionPresent, reasonCode: connack.reasonCode ?? connack.returnCode ?? 0 } });
  client.subscribe(topics, { qos: 1 }, (err, _subs, suback) => {
    // A refused filter (0x80 in 3.1.1, a reason code >= 0x80 in 5.0) makes mqtt.js report an
    // error, but the SUBACK's per-topic list is still there: print it and carry on.
    if (!suback) {
      finish(2, JSON.stringify({ error: `subscribe failed: ${err && err.message}` }));
      return;
    }
    const line = { subscribed: suback.granted };
    if (err) line.error = err.message;
    out(line);
    if (received >= expected) finish(0);
  });
});

client.on('message', (topic, payload, packet) => {
  const text = payload.toString('utf8');
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  received += 1;
  const line = { topic, payload: parsed, qos: packet.qos, retain: packet.retain };
  const alias = packet.properties && packet.properties.topicAlias;
  if (alias !== undefined) Object.assign(line, { topicAlias: alias, wireTopic: String(packet.topic) });
  out(line);
  if (received >= expected) finish(0);
});

client.on('error', (err) => finish(2, JSON.stringify({ error: String(err && err.message), code: err && err.code })));
client.on('close', () => finish(2, JSON.stringify({ error: 'connection closed', received, expected })));
