#!/usr/bin/env bash
# `make run`: on first use creates a demo customer with an instance, a published "On Ring"
# workflow (scripts/demo-workflows.json), an API key, a client token for agent 1001, an admin
# token and a console user in the data dir, then prints ready-to-paste lines and serves in
# the foreground.
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

# shellcheck source=/dev/null
[ -f "$demo" ] && . "$demo"
run() { "$bin" --data-dir "$data_dir" "$@"; }
# Each piece is made once; a data dir from an older release gets what it lacks.
if [ -z "${DEMO_ADMIN_TOKEN:-}" ]; then
  mkdir -p "$data_dir"
  run customer list | grep -qx demo || run customer add demo --name "Demo contact center" >/dev/null
  run workflow import "$(dirname "$0")/demo-workflows.json" --customer demo \
    --instance demo.crm.example.com >/dev/null
  DEMO_API_KEY=${DEMO_API_KEY:-$(run key create --customer demo --label "make run demo")}
  DEMO_CLIENT_TOKEN=${DEMO_CLIENT_TOKEN:-$(run token create --customer demo --agent 1001 --label "make run demo")}
  DEMO_ADMIN_TOKEN=$(run token create --customer demo --admin --label "make run demo")
  run user list | grep -q '^demo-admin ' ||
    DEMO_CONSOLE_PASSWORD=$(run user add demo-admin --customer demo --role owner)
  (umask 077 && printf '%s\n' "DEMO_API_KEY=$DEMO_API_KEY" "DEMO_CLIENT_TOKEN=$DEMO_CLIENT_TOKEN" \
    "DEMO_ADMIN_TOKEN=$DEMO_ADMIN_TOKEN" "DEMO_CONSOLE_USER=demo-admin" \
    "DEMO_CONSOLE_PASSWORD=${DEMO_CONSOLE_PASSWORD:-}" >"$demo")
fi

cat <<TEXT

popflow-connect demo: customer "demo", agent 1001 (credentials in $demo)

1) Open agent 1001's screen (PopFlow, the agent's client) in your browser:

http://localhost:$port/agent/#token=$DEMO_CLIENT_TOKEN

2) Fire an "On Ring" trigger, in a terminal: the caller's card pops in that tab, and the
   answer names the published workflow ("workflow": {"name": "Ring pop", ...})

curl -s http://localhost:$port/api/sendmessage/CTI -H 'Content-Type: application/json' -d '{"agentId": "1001", "jwt": "$DEMO_API_KEY", "event": "On Ring", "ani": "5551234567", "dnis": "8005550100"}'

   Other clients can watch the same pops over MQTT

mosquitto_sub -h localhost -p $mqtt_port -V mqttv5 -q 1 -v -t 'CTI/demo/1001' -t 'CTI/demo/+/1001' -u agent -P '$DEMO_CLIENT_TOKEN'

   or over Server-Sent Events

curl -sN 'http://localhost:$port/api/subscribe?topic=CTI/demo/1001&topic=CTI/demo/+/1001' -H 'Authorization: Bearer $DEMO_CLIENT_TOKEN'

3) What agent 1001's client runs (instance demo.crm.example.com, profile Tier 1):

curl -s 'http://localhost:$port/api/client/workflows' -H 'Authorization: Bearer $DEMO_CLIENT_TOKEN'

4) The console (docs/admin.md): sign in as demo-admin / ${DEMO_CONSOLE_PASSWORD:-<see $demo>}

http://localhost:$port/admin/

5) The admin API (docs/openapi.yaml), as that console user or with the admin token: the
   recent triggers and each one's timeline

curl -s 'http://localhost:$port/api/admin/triggers' -H 'Authorization: Bearer $DEMO_ADMIN_TOKEN'

Serving HTTP on $http and MQTT on $mqtt (Ctrl-C to stop)...
TEXT
exec "$bin" serve --data-dir "$data_dir" --http "$http" --mqtt "$mqtt" "$@"
