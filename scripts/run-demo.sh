#!/usr/bin/env bash
# `make run`: on first use creates a demo customer, an API key and a client token in the
# data dir, then prints ready-to-paste lines and serves in the foreground.
# usage: scripts/run-demo.sh path/to/popflow-connect [serve flags...]
set -euo pipefail
bin="$1"
shift
data_dir="${POPFLOW_DATA_DIR:-./data}"
http="${POPFLOW_HTTP:-0.0.0.0:8080}"
mqtt="${POPFLOW_MQTT:-0.0.0.0:1883}"
port="${http##*:}"
mqtt_port="${mqtt##*:}"
demo="$data_dir/demo.env"

if [ ! -f "$demo" ]; then
  mkdir -p "$data_dir"
  "$bin" --data-dir "$data_dir" customer list | grep -qx demo ||
    "$bin" --data-dir "$data_dir" customer add demo --name "Demo contact center" >/dev/null
  key=$("$bin" --data-dir "$data_dir" key create --customer demo --label "make run demo")
  token=$("$bin" --data-dir "$data_dir" token create --customer demo --agent 1001 --label "make run demo")
  (umask 077 && printf 'DEMO_API_KEY=%s\nDEMO_CLIENT_TOKEN=%s\n' "$key" "$token" >"$demo")
fi
# shellcheck source=/dev/null
. "$demo"

cat <<TEXT

popflow-connect demo: customer "demo", agent 1001 (credentials in $demo)

1) Watch agent 1001's screen pops, in one terminal: over MQTT

mosquitto_sub -h localhost -p $mqtt_port -V mqttv5 -q 1 -v -t 'CTI/demo/1001' -t 'CTI/demo/+/1001' -u agent -P '$DEMO_CLIENT_TOKEN'

   or over Server-Sent Events

curl -sN 'http://localhost:$port/api/subscribe?topic=CTI/demo/1001&topic=CTI/demo/+/1001' -H 'Authorization: Bearer $DEMO_CLIENT_TOKEN'

2) Fire an "On Ring" trigger, in another terminal:

curl -s http://localhost:$port/api/sendmessage/CTI -H 'Content-Type: application/json' -d '{"agentId": "1001", "jwt": "$DEMO_API_KEY", "event": "On Ring", "ani": "5551234567", "dnis": "8005550100"}'

Serving HTTP on $http and MQTT on $mqtt (Ctrl-C to stop)...
TEXT
exec "$bin" serve --data-dir "$data_dir" --http "$http" --mqtt "$mqtt" "$@"
