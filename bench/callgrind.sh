#!/usr/bin/env bash
# Instruction counts per trigger under callgrind: repeatable on a busy machine, where
# req/s are not. Runs the server under valgrind, lets the load generator connect and warm
# up uninstrumented, switches instrumentation on for SECONDS_MEASURED, dumps, and divides
# by the triggers published meanwhile (from /metrics). Prints "Ir/trigger" and leaves the
# dump for callgrind_annotate (e.g. --inclusive=yes). Run-to-run spread: about 3%.
# usage: bench/callgrind.sh SERVER LOADGEN ingest|mqtt|mqtt-ws|sse [out-dir]
# knobs: SECONDS_MEASURED=6 WARMUP=4 SUBSCRIBERS=200 THREADS=2 PORT=18580
#        SERVE_ARGS="--redis redis://127.0.0.1:6390" (more flags for serve, e.g. a backplane)
set -euo pipefail
bin=$(realpath "$1") loadgen=$(realpath "$2") mode=$3 out=${4:-/tmp/callgrind-$3}
SECONDS_MEASURED=${SECONDS_MEASURED:-6} WARMUP=${WARMUP:-4} SUBSCRIBERS=${SUBSCRIBERS:-200}
THREADS=${THREADS:-2} PORT=${PORT:-18580}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mkdir -p "$out"
source "$here/peers.sh"
trap 'stop_started; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"
make_credentials
p_http=$PORT p_mqtt=$((PORT + 1))
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$bin" serve --data-dir "$work/data" --http "127.0.0.1:$p_http" --mqtt "127.0.0.1:$p_mqtt" \
  --threads "$THREADS" --rate-limit 0 --access-log=false --log-level warn ${SERVE_ARGS:-} \
  2>"$out/valgrind.log" &
vg_pid=$!
started_pids+=("$vg_pid")
wait_port "$p_http"
wait_port "$p_mqtt"
published() {
  curl -s "http://127.0.0.1:$p_http/metrics" | awk '/^popflow_messages_published_total /{print $2}'
}
trigger='{"agentId":"{agent}","event":"On Ring","seq":{seq},"ani":"5551234567","dnis":"8005550100"}'
pub=(--pub-port "$p_http" --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger")
total=$((WARMUP + SECONDS_MEASURED + 2))
case $mode in
  ingest)
    "$loadgen" ingest --name ours --connections 16 --duration "$total" --warmup 0 "${pub[@]}" \
      >"$out/loadgen.json" &
    ;;
  mqtt | mqtt-ws | sse)
    "$loadgen" deliver --name "ours-$mode" --protocol "$mode" --subscribers "$SUBSCRIBERS" \
      --sub-port "$([ "$mode" = mqtt ] && echo "$p_mqtt" || echo "$p_http")" --token "$token" \
      --phases "sat:$total" --connections 8 --window 64 --drain 20 "${pub[@]}" >"$out/loadgen.json" &
    ;;
  *) echo "mode must be ingest, mqtt, mqtt-ws or sse" >&2; exit 2 ;;
esac
lg_pid=$!
# Subscribers connect first (slow under valgrind); wait for the phase to be running.
sleep "$WARMUP"
before=$(published)
callgrind_control -i on "$vg_pid" >/dev/null
sleep "$SECONDS_MEASURED"
callgrind_control -d "$vg_pid" >/dev/null
after=$(published)
wait "$lg_pid" || true
dump=$(ls -t "$out"/callgrind.out.* | head -1)
ir=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
n=$((after - before))
echo "mode=$mode triggers=$n Ir=$ir Ir/trigger=$((ir / (n > 0 ? n : 1))) dump=$dump"
