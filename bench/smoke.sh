#!/usr/bin/env bash
# Smoke run of the load generator for `make test`: our server on free ports, 100 subscribers
# (MQTT over TCP, then SSE, each its own agent topic), a few hundred triggers at 300/s;
# fails unless every trigger was accepted and delivered exactly once. A few seconds.
# usage: bench/smoke.sh [server binary] [load generator build dir]
# The load generator is built into the given dir (default build/bench) if it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../build/src/app/popflow-connect}")
gen_dir=${2:-$here/../build/bench}
if [ ! -x "$gen_dir/popflow-bench" ]; then
  cmake -S "$here" -B "$gen_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$gen_dir" -j "$(nproc)" >/dev/null
fi
loadgen="$gen_dir/popflow-bench"
work=$(mktemp -d)
source "$here/peers.sh"
trap 'stop_started; rm -rf "$work"' EXIT

make_credentials
# Port 0: the server picks free ports and says which in its "listening" log line.
"$bin" serve --data-dir "$work/data" --http 127.0.0.1:0 --mqtt 127.0.0.1:0 --threads 2 \
  --rate-limit 0 --access-log=false --log-level info 2>"$work/server.log" &
started_pids+=("$!")
for _ in $(seq 100); do grep -q '"listening"' "$work/server.log" && break; sleep 0.05; done
port_of() { grep '"listening"' "$work/server.log" | sed -E "s/.*\"$1\":\"[^\"]*:([0-9]+)\".*/\\1/"; }
http=$(port_of http)
mqtt=$(port_of mqtt)
[ -n "$http" ] && [ -n "$mqtt" ] || { echo "smoke: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

trigger='{"agentId":"{agent}","event":"On Ring","seq":{seq},"ani":"5551234567"}'
for sub in "mqtt $mqtt" "sse $http"; do
  set -- $sub
  out=$("$loadgen" deliver --name "smoke-$1" --protocol "$1" --sub-port "$2" --token "$token" \
    --subscribers 100 --phases 300:1 --drain 3 --connections 4 --pub-port "$http" \
    --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger") || {
    echo "smoke: $1: not every trigger delivered exactly once: $out" >&2
    exit 1
  }
  echo "$out"
  # The load generator exits non-zero on a missing or duplicate copy; also make sure it sent.
  sent=$(sed -E 's/.*"sent":([0-9]+).*/\1/' <<<"$out")
  [ "$sent" -ge 250 ] || { echo "smoke: $1: only $sent triggers sent" >&2; exit 1; }
done
echo "smoke: ok"
