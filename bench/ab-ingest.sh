#!/usr/bin/env bash
# Ingest of two builds of our server in one run: both started side by side (each with its
# own data dir and bench customer), measured in alternation for ROUNDS rounds of DURATION
# seconds, so a busy or throttled machine slows both alike. Prints each round, then each
# build's best and median triggers/s and B/A. For "before and after" claims on the trigger
# path, where bench/quick-ratios.sh run twice would compare two different minutes.
# usage: bench/ab-ingest.sh SERVER_A SERVER_B LOADGEN
# knobs: DURATION=3 ROUNDS=8 PIN=1 CONNECTIONS=64 BENCH_PORT=18880 A_FLAGS= B_FLAGS=
#   (extra serve flags, e.g. "--trigger-history-max 0") WORKFLOWS=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin_a=$(realpath "$1") bin_b=$(realpath "$2") loadgen=$(realpath "$3")
DURATION=${DURATION:-3} ROUNDS=${ROUNDS:-8} PIN=${PIN:-1} CONNECTIONS=${CONNECTIONS:-64}
BENCH_PORT=${BENCH_PORT:-18880}
ulimit -n "$(ulimit -Hn)"
top=$(mktemp -d)
source "$here/peers.sh"
THREADS=${THREADS:-$(server_threads)}
trap 'stop_started; rm -rf "$top"' EXIT
trigger='{"agentId":"{agent}","event":"On Ring","seq":{seq},"ani":"5551234567","dnis":"8005550100"}'
declare -A bins=([a]=$bin_a [b]=$bin_b) ports=([a]=$BENCH_PORT [b]=$((BENCH_PORT + 2)))
declare -A flags=([a]=${A_FLAGS:-} [b]=${B_FLAGS:-}) keys
for side in a b; do
  work=$top/$side bin=${bins[$side]}
  mkdir -p "$work"
  make_credentials
  keys[$side]=$key
  # shellcheck disable=SC2086  # flags: extra serve flags, split on spaces
  start_ours "${ports[$side]}" $((ports[$side] + 1)) "$THREADS" ${flags[$side]}
done
results=$top/results.jsonl
for round in $(seq "$ROUNDS"); do
  for side in a b; do
    "${loadgen_cpus[@]}" "$loadgen" ingest --name "$side" --connections "$CONNECTIONS" \
      --duration "$DURATION" --warmup 1 --pub-port "${ports[$side]}" --path /api/sendmessage/CTI \
      --header "Authorization: Bearer ${keys[$side]}" --body "$trigger" >>"$results"
  done
done
python3 - "$results" "$bin_a" "$bin_b" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {"a": [], "b": []}
for row in rows:
    by[row["target"]].append(row["rps"])
for n, (a, b) in enumerate(zip(by["a"], by["b"]), 1):
    print(f"round {n}: A {a:>10,.0f}  B {b:>10,.0f}  B/A {b / a:.3f}")
for side, path in (("a", sys.argv[2]), ("b", sys.argv[3])):
    print(f"{side.upper()} best {max(by[side]):>10,.0f}  median {statistics.median(by[side]):>10,.0f}  {path}")
print(f"B/A best {max(by['b']) / max(by['a']):.3f}  median "
      f"{statistics.median(by['b']) / statistics.median(by['a']):.3f}  "
      f"per-round median {statistics.median(b / a for a, b in zip(by['a'], by['b'])):.3f}")
PY
