#!/usr/bin/env bash
# A first ingest measurement for issue #2: wrk against the trigger endpoint and against
# nginx's static `return 200`, on loopback, in the same run. Not the benchmark of issue #4
# (bench/ will get its own load generator); wrk and the servers share this machine's cores.
# usage: bench/quick-ingest.sh [build/src/app/popflow-connect] [seconds] [connections]
set -euo pipefail
bin="${1:-build/src/app/popflow-connect}"
seconds="${2:-10}"
conns="${3:-64}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; sleep 0.3; rm -rf "$work"' EXIT

"$bin" --data-dir "$work/data" customer add bench >/dev/null
key=$("$bin" --data-dir "$work/data" key create --customer bench)
"$bin" serve --data-dir "$work/data" --http 127.0.0.1:18480 --access-log=false --rate-limit 0 \
  --log-level warn &
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  server { listen 127.0.0.1:18481 reuseport; location / { return 200 "ok"; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx" -g "daemon off;" &
cat >"$work/trigger.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"agentId":"' .. (n % 1000) .. '","event":"On Ring","ani":"5551234567"}')
end
LUA
sleep 0.5
run() { wrk -t2 -c"$conns" -d"${seconds}s" --latency "$@" 2>&1; }
ours=$(run -s "$work/trigger.lua" http://127.0.0.1:18480/api/sendmessage/CTI)
peer=$(run http://127.0.0.1:18481/)
rps() { awk '/Requests\/sec/ {print $2}'; }
p50() { awk '$1=="50%" {print $2}'; }
p99() { awk '$1=="99%" {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5}'; }
printf '%-32s %12s %10s %10s %8s\n' "target ($conns conns, ${seconds}s)" "req/s" "p50" "p99" "non-2xx"
printf '%-32s %12s %10s %10s %8s\n' "popflow trigger (POST, JSON)" "$(rps <<<"$ours")" "$(p50 <<<"$ours")" "$(p99 <<<"$ours")" "$(non2xx <<<"$ours")"
printf '%-32s %12s %10s %10s %8s\n' "nginx static return 200" "$(rps <<<"$peer")" "$(p50 <<<"$peer")" "$(p99 <<<"$peer")" "$(non2xx <<<"$peer")"
awk -v a="$(rps <<<"$ours")" -v b="$(rps <<<"$peer")" 'BEGIN {printf "ratio popflow/nginx: %.2f\n", a / b}'
