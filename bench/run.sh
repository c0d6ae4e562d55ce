#!/usr/bin/env bash
# `make bench` (issue #4): starts our server and the peers on loopback, runs every scenario
# against each in alternation, then prints one table and writes bench/results/latest.json
# and latest.png. The load generator and the servers get separate cores (PIN); see
# docs/performance.md.
# usage: bench/run.sh [server binary] [load generator]
# knobs (environment): DURATION=5 (s per throughput run) RATE_SECONDS=3 (s per fixed-rate
#   run) RATES="1000 10000 50000" ROUNDS=2 PIN=1 (load generator on CPU 0, servers on the
#   others; see peers.sh) THREADS=CPUs left to the servers (server event loops = nginx
#   workers) LOADGEN_THREADS=1 CONNECTIONS=64 (ingest HTTP connections) SUBSCRIBERS=1000
#   IDLE_CONNECTIONS=10000 BENCH_PORT=18480 (first of 13 consecutive ports)
#   SCENARIOS="ingest deliver cluster durability connections agent" (a subset runs only those:
#   SCENARIOS=cluster make bench for the several-nodes rows alone)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../build/src/app/popflow-connect}")
loadgen=$(realpath "${2:-$here/../build/bench/popflow-bench}")
DURATION=${DURATION:-5} RATE_SECONDS=${RATE_SECONDS:-3} RATES=${RATES:-1000 10000 50000}
ROUNDS=${ROUNDS:-2} PIN=${PIN:-1} LOADGEN_THREADS=${LOADGEN_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-64} SUBSCRIBERS=${SUBSCRIBERS:-1000}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000} BENCH_PORT=${BENCH_PORT:-18480}

ulimit -n "$(ulimit -Hn)"  # thousands of sockets; children inherit it
work=$(mktemp -d)
source "$here/peers.sh"
THREADS=${THREADS:-$(server_threads)}
trap 'stop_started; rm -rf "$work"' EXIT
results="$work/results.jsonl"
log() { echo "bench: $*" >&2; }
SCENARIOS=${SCENARIOS:-ingest deliver cluster durability connections agent}
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
# Every result line is also kept with the knobs it ran with.
record() { tee -a "$results"; }

p_http=$BENCH_PORT p_mqtt=$((BENCH_PORT + 1)) p_static=$((BENCH_PORT + 2))
p_nchan=$((BENCH_PORT + 3)) p_mosq=$((BENCH_PORT + 4))
make_credentials
if want ingest || want deliver; then
start_ours "$p_http" "$p_mqtt" "$THREADS"
start_nginx "$p_static" "$p_nchan" "$THREADS"
start_mosquitto "$p_mosq"
fi
log "server --threads $THREADS, nginx worker_processes $THREADS, mosquitto (1 thread), $([ "$PIN" = 1 ] && echo "load generator pinned to CPU 0, servers to the other $THREADS" || echo "everything on the same $(nproc) cores")"

# Our trigger, and for the peers the JSON our server delivers for it (same bytes on the wire).
trigger='{"agentId":"{agent}","event":"On Ring","seq":{seq},"ani":"5551234567","dnis":"8005550100"}'
message='{"id":"01a2247f-3ac6-7000-b96f-7592d767c9aa","channel":"CTI","customerId":"bench","agentId":"{agent}","event":"On Ring","receivedAt":"2026-11-28T23:30:47.622Z","data":{"seq":{seq},"ani":"5551234567","dnis":"8005550100"}}'
ours_pub=(--pub-port "$p_http" --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger")
nchan_pub=(--pub-port "$p_nchan" --path '/pub?id={agent}' --body "$message")
static_pub=(--pub-port "$p_static" --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger")
mosq_pub=(--publisher mqtt --pub-port "$p_mosq" --topic 'bench/{agent}' --body "$message" --pub-connections 4 --pub-window 64)

ingest() {  # NAME PUBLISHER-ARGS...
  local name=$1
  shift
  log "ingest $name"
  "${loadgen_cpus[@]}" "$loadgen" ingest --name "$name" --connections "$CONNECTIONS" --threads "$LOADGEN_THREADS" \
    --duration "$DURATION" --warmup 1 "$@" | record
}

want ingest && for round in $(seq "$ROUNDS"); do
  ingest ours "${ours_pub[@]}"
  # The very request ours gets (path, key, body): nginx answers any path with its static 200.
  ingest nginx-static "${static_pub[@]}"
  ingest nchan-publish "${nchan_pub[@]}"
done

deliver() {  # NAME PHASES FANOUT SUBSCRIBER-AND-PUBLISHER-ARGS...
  local name=$1 phases=$2 fanout=$3
  shift 3
  log "$([ "$fanout" = 1 ] && echo fan-out || echo deliver) $name ($phases)"
  "${loadgen_cpus[@]}" "$loadgen" deliver --name "$name" --subscribers "$SUBSCRIBERS" --fanout "$fanout" \
    --phases "$phases" --connections 32 "$@" | record || log "$name: not every message delivered exactly once"
}
deliver_all() {  # PHASES FANOUT TOPIC-AGENT
  local phases=$1 fanout=$2
  deliver ours-mqtt "$phases" "$fanout" --protocol mqtt --sub-port "$p_mqtt" --token "$token" "${ours_pub[@]}"
  deliver ours-mqtt-ws "$phases" "$fanout" --protocol mqtt-ws --sub-port "$p_http" --token "$token" "${ours_pub[@]}"
  deliver ours-sse "$phases" "$fanout" --protocol sse --sub-port "$p_http" --token "$token" "${ours_pub[@]}"
  deliver nchan-ws "$phases" "$fanout" --protocol nchan-ws --sub-port "$p_nchan" --sub-topic '{agent}' "${nchan_pub[@]}"
  deliver mosquitto "$phases" "$fanout" --protocol mqtt --sub-port "$p_mosq" --sub-topic 'bench/{agent}' "${mosq_pub[@]}"
}
rate_phases=$(for r in $RATES; do printf ',%s:%s' "$r" "$RATE_SECONDS"; done)
want deliver && for round in $(seq "$ROUNDS"); do
  # Fixed-rate latency runs once (first round); saturation every round.
  if [ "$round" = 1 ]; then deliver_all "sat:$DURATION$rate_phases" 0; else deliver_all "sat:$DURATION" 0; fi
done
want deliver && for round in $(seq "$ROUNDS"); do deliver_all "sat:$DURATION" 1; done
stop_started

# Several nodes (issue 15, docs/cluster.md): two nodes of one event loop each on one Redis,
# against one such node alone, in the same run. Ingest: triggers to node A, which publishes
# each through Redis (one round trip) besides delivering locally. Cross-node delivery: the
# subscribers on node B, the triggers sent to node A, so every message goes A -> Redis -> B;
# its latency is end to end across nodes. Node B gets a copy of A's data dir (the same keys
# and signing secret: what the shared store gives).
cluster_rows() {
  local a_http=$((BENCH_PORT + 8)) a_mqtt=$((BENCH_PORT + 9)) b_http=$((BENCH_PORT + 10))
  local b_mqtt=$((BENCH_PORT + 11)) redis_port=$((BENCH_PORT + 12))
  local a_pub=(--pub-port "$a_http" --path /api/sendmessage/CTI --header "Authorization: Bearer $key" --body "$trigger")
  for round in $(seq "$ROUNDS"); do
    start_ours "$a_http" "$a_mqtt" 1
    ingest ours-1-loop "${a_pub[@]}"
    [ "$round" = 1 ] && deliver ours-1-loop-mqtt "sat:$DURATION$rate_phases" 0 --protocol mqtt --sub-port "$a_mqtt" \
      --token "$token" "${a_pub[@]}"
    stop_started
    start_redis "$redis_port"
    rm -rf "$work/data-b" && cp -r "$work/data" "$work/data-b"
    start_ours "$a_http" "$a_mqtt" 1 --redis "redis://127.0.0.1:$redis_port"
    OURS_DATA_DIR="$work/data-b" start_ours "$b_http" "$b_mqtt" 1 --redis "redis://127.0.0.1:$redis_port"
    sleep 1  # both nodes' Redis connections up and the Function loaded
    ingest ours-cluster "${a_pub[@]}"
    [ "$round" = 1 ] && deliver ours-cross-node-mqtt "sat:$DURATION$rate_phases" 0 --protocol mqtt \
      --sub-port "$b_mqtt" --token "$token" --settle-ms 2000 "${a_pub[@]}"
    stop_started
  done
}
if want cluster; then
  if command -v redis-server >/dev/null; then cluster_rows; else log "redis-server missing: no cluster rows"; fi
fi

# Durability (issue #5): the cost of persistent sessions. The same subscribers with clean
# session 0, so every trigger is journaled (queued, sent, acknowledged) and answered only
# after its group commit; with and without fsync, against clean sessions on the same kind of
# fresh server. Each run gets its own copy of the data dir: no session outlives its run.
durable() {  # NAME PERSISTENT SERVER-FLAGS...
  local name=$1 persistent=$2
  shift 2
  rm -rf "$work/data-durable" && cp -r "$work/data" "$work/data-durable"
  OURS_DATA_DIR="$work/data-durable" start_ours "$p_http" "$p_mqtt" "$THREADS" "$@"
  deliver "$name" "sat:$DURATION" 0 --protocol mqtt --sub-port "$p_mqtt" --token "$token" \
    --persistent "$persistent" "${ours_pub[@]}"
  stop_started
}
want durability && for round in $(seq "$ROUNDS"); do
  durable ours-mqtt-clean 0
  durable ours-mqtt-durable 1
  durable ours-mqtt-durable-nofsync 1 --durability-fsync=false
done

# Idle connections: a fresh server and a fresh mosquitto, so RSS before/after is theirs alone.
idle() {  # NAME PID PORT LOADGEN-ARGS...
  local name=$1 pid=$2 port=$3
  shift 3
  local before procs per i
  sleep 1
  before=$(rss_kib "$pid")
  # One process holds at most ~18k sockets (open-file limit 20k); more use more processes.
  procs=$(((IDLE_CONNECTIONS + 17999) / 18000))
  per=$(((IDLE_CONNECTIONS + procs - 1) / procs))
  local pids=()
  log "connections $name: $IDLE_CONNECTIONS idle MQTT subscribers in $procs process(es)"
  for i in $(seq 0 $((procs - 1))); do
    "${loadgen_cpus[@]}" "$loadgen" connections --name "$name" --sub-port "$port" --count "$per" --offset $((i * per)) \
      --threads 2 --sources 8 --hold 600 "$@" >"$work/idle-$name-$i.out" &
    pids+=("$!")
  done
  for i in $(seq 0 $((procs - 1))); do
    until [ -s "$work/idle-$name-$i.out" ]; do sleep 0.2; done
  done
  sleep 2  # let the server settle (buffers shrink, timers armed)
  local after ready
  after=$(rss_kib "$pid")
  ready=$(cat "$work"/idle-"$name"-*.out | python3 -c 'import sys,json; print(sum(json.loads(l)["ready"] for l in sys.stdin))')
  kill "${pids[@]}"
  wait "${pids[@]}" 2>/dev/null || true
  echo "{\"scenario\":\"connections\",\"target\":\"$name\",\"count\":$IDLE_CONNECTIONS,\"ready\":$ready,\"rss_before_kib\":$before,\"rss_after_kib\":$after}" | record
}
if want connections; then
  start_ours $((BENCH_PORT + 5)) $((BENCH_PORT + 6)) "$THREADS" --max-connections $((IDLE_CONNECTIONS + 1000))
  idle ours "$ours_pid" $((BENCH_PORT + 6)) --token "$token"
  stop_started
  start_mosquitto $((BENCH_PORT + 7))
  idle mosquitto "$mosquitto_pid" $((BENCH_PORT + 7)) --sub-topic 'bench/idle{agent}'
  stop_started
fi

mkdir -p "$here/results"
# The agent's client in Debian's chromium: trigger to pop (p50/p99) and the page's memory
# after POPS pops (bench/agent-pop.mjs; no peer has an equivalent, so it has its own file).
if want agent && [ "${AGENT_POP:-1}" = 1 ]; then
  node "$here/agent-pop.mjs" "$bin" >"$here/results/agent-pop.json" ||
    echo "bench: agent-pop failed (chromium and npm ci --prefix web?)" >&2
fi
python3 "$here/summarize.py" "$results" "$here/results" \
  --command "make bench" --threads "$THREADS" --loadgen-threads "$LOADGEN_THREADS" --pin "$PIN" \
  --knobs "DURATION=$DURATION RATE_SECONDS=$RATE_SECONDS RATES='$RATES' ROUNDS=$ROUNDS PIN=$PIN THREADS=$THREADS LOADGEN_THREADS=$LOADGEN_THREADS CONNECTIONS=$CONNECTIONS SUBSCRIBERS=$SUBSCRIBERS IDLE_CONNECTIONS=$IDLE_CONNECTIONS"
