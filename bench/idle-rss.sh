#!/usr/bin/env bash
# RSS per idle MQTT connection, alone and in a few seconds: `make bench`'s "connections" row
# ((VmRSS after - before) / COUNT on a fresh one-thread server), for trying a change without
# the whole run. Heap by call site: run the server under `heaptrack` by hand instead.
# usage: bench/idle-rss.sh SERVER LOADGEN [COUNT=10000]   (ports 19080/19883)
set -euo pipefail
bin=$(realpath "$1") loadgen=$(realpath "$2") count=${3:-10000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" --data-dir "$work" customer add bench >/dev/null
token=$("$bin" --data-dir "$work" token create --customer bench)
"$bin" serve --data-dir "$work" --http 127.0.0.1:19080 --mqtt 127.0.0.1:19883 --threads 1 \
  --rate-limit 0 --access-log=false --log-level warn --sse-max-streams-per-token 0 \
  --mqtt-max-sessions-per-token 0 --max-connections $((count + 1000)) 2>/dev/null &
pid=$!
sleep 2
before=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
"$loadgen" connections --name ours --sub-port 19883 --count "$count" --threads 2 --sources 8 \
  --hold 10 --token "$token" >"$work/out" &
until [ -s "$work/out" ]; do sleep 0.2; done
sleep 2  # as run.sh: buffers shrink, timers armed
after=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
python3 -c "import json,sys; r=json.load(open('$work/out')); print(json.dumps({'ready': r['ready'], 'rss_before_kib': $before, 'rss_after_kib': $after, 'kib_per_connection': round(($after - $before) / $count, 3)}))"
