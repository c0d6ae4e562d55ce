#!/usr/bin/env bash
# The two ratios of issue #4 in about a minute, for before/after comparisons while
# optimising: ingest (ours / nginx static 200, req/s) and deliver at saturation (ours over
# MQTT TCP and SSE / nchan WebSocket, triggers/s delivered). The same load generator runs
# as `make bench`, reduced to those scenarios, in alternation for ROUNDS rounds (best kept).
# Writes nothing under bench/results. usage: bench/quick-ratios.sh SERVER LOADGEN
# knobs: DURATION=3 ROUNDS=2 PIN=1 THREADS=(CPUs left to the servers) CONNECTIONS=64
#   SUBSCRIBERS=1000 BENCH_PORT=18780 OURS_FLAGS= (extra serve flags for our server, e.g.
#   "--trigger-history-max 0") WORKFLOWS=1 (0: the bench customer publishes no workflow)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "$1") loadgen=$(realpath "$2")
DURATION=${DURATION:-3} ROUNDS=${ROUNDS:-2} PIN=${PIN:-1} CONNECTIONS=${CONNECTIONS:-64}
SUBSCRIBERS=${SUBSCRIBERS:-1000} BENCH_PORT=${BENCH_PORT:-18780}
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
source "$here/peers.sh"
THREADS=${THREADS:-$(server_threads)}
trap 'stop_started; rm -rf "$work"' EXIT
p_http=$BENCH_PORT p_mqtt=$((BENCH_PORT + 1)) p_static=$((BENCH_PORT + 2)) p_nchan=$((BENCH_PORT + 3))
make_credentials
# shellcheck disable=SC2086  # OURS_FLAGS: extra serve flags, split on spaces
start_ours "$p_http" "$p_mqtt" "$THREADS" ${OURS_FLAGS:-}
start_nginx "$p_static" "$p_nchan" "$THREADS"
trigger='{"agentId":"{agent}","event":"On Ring","seq":{seq},"ani":"5551234567","dnis":"8005550100"}'
message='{"id":"01a2247f-3ac6-7000-b96f-7592d767c9aa","channel":"CTI","customerId":"bench","agentId":"{agent}","event":"On Ring","receivedAt":"2026-11-28T23:30:47.622Z","data":{"seq":{seq},"ani":"5551234567","dnis":"8005550100"}}'
ours_pub=(--pub-port "$p_http" --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger")
nchan_pub=(--pub-port "$p_nchan" --path '/pub?id={agent}' --body "$message")
results="$work/results.jsonl"
ingest() {
  local name=$1
  shift
  "${loadgen_cpus[@]}" "$loadgen" ingest --name "$name" --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup 1 "$@" >>"$results"
}
deliver() {
  local name=$1
  shift
  "${loadgen_cpus[@]}" "$loadgen" deliver --name "$name" --subscribers "$SUBSCRIBERS" --phases "sat:$DURATION" \
    --connections 32 "$@" >>"$results" || echo "bench: $name lost or duplicated messages" >&2
}
for round in $(seq "$ROUNDS"); do
  ingest ours "${ours_pub[@]}"
  ingest nginx-static --pub-port "$p_static" --path /api/sendmessage/CTI \
    --header "Authorization: Bearer $key" --body "$trigger"
  deliver ours-mqtt --protocol mqtt --sub-port "$p_mqtt" --token "$token" "${ours_pub[@]}"
  deliver nchan-ws --protocol nchan-ws --sub-port "$p_nchan" --sub-topic '{agent}' "${nchan_pub[@]}"
  deliver ours-sse --protocol sse --sub-port "$p_http" --token "$token" "${ours_pub[@]}"
done
python3 - "$results" <<'PY'
import json, sys
best = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    value = r["completed_per_s"] if r["scenario"] == "deliver" else r["rps"]
    key = (r["scenario"], r["target"])
    best[key] = max(best.get(key, 0), value)
def ratio(scenario, ours, peer):
    a, b = best.get((scenario, ours)), best.get((scenario, peer))
    print(f"{scenario:8} {ours:10} {a:10,.0f} / {peer:13} {b:10,.0f} = {a / b:.2f}")
ratio("ingest", "ours", "nginx-static")
ratio("deliver", "ours-mqtt", "nchan-ws")
ratio("deliver", "ours-sse", "nchan-ws")
PY
