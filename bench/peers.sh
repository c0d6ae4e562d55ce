# Sourced by bench/run.sh and bench/smoke.sh: starting our server and the Debian peers on
# loopback, each in the foreground of a background job whose pid is remembered for cleanup.
# Expects $work (a temp dir) and $bin (the server binary).

# PIN=1 (run.sh and quick-ratios.sh default to it): the load generator on CPU 0, every
# server on the other CPUs. Left to share every core, the scheduler interleaves the load
# generator with the server's threads (a server with more threads gets preempted and idles
# more), and ratios move by ±5% between runs; pinned, each side keeps its cores and they
# repeat within ~2%. PIN=0 shares every core. Needs two CPUs or more.
server_cpus=() loadgen_cpus=()
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  server_cpus=(taskset -c "1-$(($(nproc) - 1))")
  loadgen_cpus=(taskset -c 0)
fi
# The event loops (ours) and worker processes (nginx) each server gets: one per CPU it has.
server_threads() { echo $(($(nproc) - (${#server_cpus[@]} > 0 ? 1 : 0))); }

started_pids=()
stop_started() {
  local pid
  for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  started_pids=()
}

# Waits until something accepts connections on 127.0.0.1:$1.
wait_port() {
  local i
  for i in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench: nothing listening on port $1" >&2
  return 1
}

# Creates customer "bench" in $work/data; sets $key (API key) and $token (client token).
# The bench customer is configured like a real one: an instance with an On Ring workflow
# published, so each trigger resolves to it (WORKFLOWS=0: a customer without workflows, whose
# triggers carry the "no workflow is published" warning). A release without workflows
# (a before/after baseline) skips the import.
make_credentials() {
  "$bin" --data-dir "$work/data" customer add bench >/dev/null
  if [ "${WORKFLOWS:-1}" = 1 ] && "$bin" --help 2>/dev/null | grep -q "^  workflow"; then
    "$bin" --data-dir "$work/data" workflow import "$(dirname "${BASH_SOURCE[0]}")/workflows.json" \
      --customer bench --instance bench.crm.example.com >/dev/null
  fi
  key=$("$bin" --data-dir "$work/data" key create --customer bench)
  token=$("$bin" --data-dir "$work/data" token create --customer bench)
}

# start_ours HTTP_PORT MQTT_PORT THREADS [extra flags]; sets $ours_pid. Every subscriber
# uses the one bench token where a deployment gives each agent its own: its caps on SSE
# streams and persistent sessions per token (default 100) are lifted.
start_ours() {
  local http=$1 mqtt=$2 threads=$3
  shift 3
  "${server_cpus[@]}" "$bin" serve --data-dir "${OURS_DATA_DIR:-$work/data}" --http "127.0.0.1:$http" --mqtt "127.0.0.1:$mqtt" \
    --threads "$threads" --rate-limit 0 --access-log=false --log-level warn \
    --sse-max-streams-per-token 0 --mqtt-max-sessions-per-token 0 "$@" &
  ours_pid=$!
  started_pids+=("$ours_pid")
  wait_port "$http"
  wait_port "$mqtt"
}

# start_redis PORT: a redis-server without persistence, the backplane of the cluster rows.
start_redis() {
  "${server_cpus[@]}" redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --logfile "$work/redis-$1.log" &
  started_pids+=("$!")
  wait_port "$1"
}

# start_nginx STATIC_PORT NCHAN_PORT WORKERS: one nginx with two servers — the static
# `return 200` ceiling and nchan (publisher /pub?id=CHANNEL, WebSocket subscriber /sub?id=).
start_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
worker_processes $3;
worker_rlimit_nofile 20000;
error_log $work/nginx/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 100000000;  # the default 1000 closes our keep-alive connections
  client_body_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$1 reuseport;
    location / { return 200 "ok"; }
  }
  server {
    listen 127.0.0.1:$2 reuseport;
    location = /pub { nchan_publisher; nchan_channel_id \$arg_id; nchan_message_timeout 60s; }
    location = /sub { nchan_subscriber websocket; nchan_channel_id \$arg_id; }
  }
}
CONF
  "${server_cpus[@]}" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g "daemon off;" 2>>"$work/nginx/stderr" &
  started_pids+=("$!")
  wait_port "$1"
  wait_port "$2"
}

# start_mosquitto PORT; sets $mosquitto_pid. Settings matched to ours where they matter:
# no persistence, Nagle off, the same in-flight window and a queue that never drops here.
start_mosquitto() {
  cat >"$work/mosquitto-$1.conf" <<CONF
listener $1 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
max_inflight_messages 100
max_queued_messages 10000
max_connections -1
log_dest stderr
log_type error
CONF
  "${server_cpus[@]}" mosquitto -c "$work/mosquitto-$1.conf" 2>>"$work/mosquitto.log" &
  mosquitto_pid=$!
  started_pids+=("$mosquitto_pid")
  wait_port "$1"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
