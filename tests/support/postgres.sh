#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start DIR` makes a cluster in DIR (initdb as
# the postgres user when run as root, as PostgreSQL requires), serves it on a free loopback
# port with its socket in DIR, and prints its URL (also written to DIR/url); `down DIR` stops
# it as a crash would and `up DIR` serves it again on the same port; `stop DIR` kills it and
# removes DIR. No system service is used. fsync is off: the tests never survive a power cut,
# and a cluster starts in about a second.
set -euo pipefail

usage() { echo "usage: $0 start|down|up|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

up() {  # serves DIR's cluster on the port it was given at start
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

down() {  # as a crash would: no checkpoint, connections cut
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
    up
    url="postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  down) down ;;
  up) up ;;
  stop)
    down
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
