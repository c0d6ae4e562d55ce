#!/usr/bin/env bash
# Installs the Debian packages a task needs, only those that are missing.
# usage: scripts/install-deps.sh build|test|bench|fuzz ...
set -euo pipefail

# libhiredis-dev: the cluster backplane's Redis reply parser (src/cluster/). libpq-dev: the
# shared store on PostgreSQL (src/store/postgres_connection.cpp). redis-server, postgresql: the
# cluster tests start their own on free ports in temp dirs (tests/support/postgres.sh); a
# system service a package may start (6379, 5432) is never used. haproxy, systemd: the deploy
# files are checked (haproxy -c, systemd-analyze verify) and HAProxy run in front of three
# nodes (tests/integration/test_deploy.py).
build_pkgs=(g++ cmake make pkg-config ccache
  libboost1.81-dev libboost-container1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsodium-dev libsqlite3-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  libhiredis-dev libpq-dev)
test_pkgs=(libgtest-dev curl openssl python3 python3-yaml mosquitto-clients python3-paho-mqtt chromium firefox-esr
  redis-server postgresql haproxy systemd)
fuzz_pkgs=(clang libclang-rt-14-dev)
bench_pkgs=(wrk nginx-light libnginx-mod-nchan mosquitto gnuplot-nox)

wanted=()
for group in "$@"; do
  case "$group" in
    build) wanted+=("${build_pkgs[@]}") ;;
    test) wanted+=("${test_pkgs[@]}") ;;
    bench) wanted+=("${bench_pkgs[@]}") ;;
    fuzz) wanted+=("${fuzz_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$group' (build, test, bench, fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The build bundles mqtt.js from npm into the binary, and the tests run Node.js: both need
# Node.js and npm. A machine may already have them from another source (NodeSource's nodejs
# includes npm), so Debian's are installed only when npm is missing.
if ! command -v npm >/dev/null; then
  for group in "$@"; do
    case "$group" in build | test) missing+=(nodejs npm); break ;; esac
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
